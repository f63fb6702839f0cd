import type { SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { StatusPill } from "../components/Status";
import { useTargets } from "./queries";

/** The Targets tab: each target of each target group with its state and the reason. */
export function TargetsTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const groups = useTargets(session, cluster, service);
  if (groups.isPending) return <SkeletonRows rows={3} label="Loading target health" />;
  if (groups.isError) return <ErrorPanel title="Could not load target health" error={groups.error} onRetry={() => void groups.refetch()} retrying={groups.isFetching} />;
  if (groups.data.length === 0) {
    return <EmptyState testId="empty-targets" title="This service has no load balancer, so it has no targets." />;
  }
  return (
    <div data-testid="targets-tab">
      {groups.data.map((g) => (
        <section key={g.arn} className="target-group" data-testid={`target-group-${g.name}`}>
          <h3>
            {g.name}
            {g.loadBalancerName !== null && <span className="muted"> behind {g.loadBalancerName}</span>}
          </h3>
          <p className="muted">
            {g.healthy} healthy, {g.unhealthy} unhealthy of {g.targets.length}
            {g.healthCheckPath !== null && <> · health check path {g.healthCheckPath}</>}
          </p>
          {g.targets.length === 0 ? (
            <EmptyState testId="empty-target-list" title="No target is registered." />
          ) : (
            <table className="table" data-testid="targets-table">
              <thead>
                <tr>
                  <th>Target</th>
                  <th>Port</th>
                  <th>Zone</th>
                  <th>State</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {g.targets.map((t) => (
                  <tr key={`${t.id}:${t.port ?? ""}`} data-testid="target-row" data-state={t.state}>
                    <td className="mono">{t.id}</td>
                    <td className="num">{t.port ?? "—"}</td>
                    <td>{t.availabilityZone ?? "—"}</td>
                    <td>
                      <StatusPill value={t.state.toUpperCase()} />
                    </td>
                    <td className="reason">
                      {t.reason ?? ""}
                      {t.description !== null && <div className="cell-note">{t.description}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </div>
  );
}
