import type { SessionInfo } from "../api";
import { ConsoleButton } from "../components/ConsoleButton";
import { ErrorPanel } from "../components/ErrorPanel";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { StatusPill } from "../components/Status";
import { formatTime } from "../format";
import { useAlarms } from "./queries";

/** The Alarms tab: CloudWatch alarms on the service and its load balancer, ALARM first. */
export function AlarmsTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const alarms = useAlarms(session, cluster, service);
  if (alarms.isPending) return <SkeletonRows rows={3} label="Loading alarms" />;
  if (alarms.isError) return <ErrorPanel title="Could not load the alarms" error={alarms.error} onRetry={() => void alarms.refetch()} retrying={alarms.isFetching} />;
  if (alarms.data.length === 0) return <EmptyState testId="empty-alarms" title="No CloudWatch alarm watches this service." />;
  return (
    <table className="table" data-testid="alarms-table">
      <thead>
        <tr>
          <th>Alarm</th>
          <th>State</th>
          <th>Rule</th>
          <th>Since</th>
          <th>
            <span className="sr-only">AWS console</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {alarms.data.map((a) => (
          <tr
            key={a.name}
            data-testid="alarm-row"
            data-state={a.state}
            data-scaling={a.scaling}
            className={a.state === "ALARM" && !a.scaling ? "bad-row" : undefined}
          >
            <td>
              {a.name}
              {a.scaling ? (
                <div className="cell-note" data-testid="alarm-scaling-note">
                  Auto scaling alarm: in ALARM it tells the scaler to {a.name.includes("-AlarmLow-") ? "remove" : "add"} tasks. Not a
                  problem, and not counted in the service&apos;s health.
                </div>
              ) : (
                a.description !== null && <div className="cell-note">{a.description}</div>
              )}
            </td>
            <td>{a.scaling ? <span className="pill pill-muted">Scaling · {a.state}</span> : <StatusPill value={a.state} />}</td>
            <td>
              {a.rule}
              {a.stateReason !== null && <div className="cell-note">{a.stateReason}</div>}
            </td>
            <td>{formatTime(a.stateUpdatedAt)}</td>
            <td>
              <ConsoleButton session={session} target={{ kind: "alarm", name: a.name }} label="Console ↗" testId="alarm-open-console" compact />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
