import type { ActivityView, SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { formatTime } from "../format";
import { useScaling } from "./queries";

/** An arrow for the way an activity moved the count, with words for screen readers. */
function Move({ a }: { a: ActivityView }) {
  if (a.direction === "out") return <span className="scale-move scale-out" aria-label="Scaled out">▲</span>;
  if (a.direction === "in") return <span className="scale-move scale-in" aria-label="Scaled in">▼</span>;
  return <span className="scale-move" aria-label="Not scaled">–</span>;
}

/** The Auto scaling tab: limits, warnings, policies, schedules and the latest activities. */
export function ScalingTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const scaling = useScaling(session, cluster, service);
  if (scaling.isPending) return <SkeletonRows rows={4} label="Loading auto scaling" />;
  if (scaling.isError)
    return <ErrorPanel title="Could not load auto scaling" error={scaling.error} onRetry={() => void scaling.refetch()} retrying={scaling.isFetching} />;
  const s = scaling.data;
  if (s.limits === null)
    return (
      <EmptyState testId="empty-scaling" title="Auto scaling does not manage this service.">
        <p>Its desired count ({s.desired}) changes only when someone scales it.</p>
      </EmptyState>
    );
  const { min, max } = s.limits;
  return (
    <div className="scaling" data-testid="scaling-tab">
      <p className="scaling-limits" data-testid="scaling-limits">
        Keeps between <strong>{min}</strong> and <strong>{max}</strong> tasks · wants <strong>{s.desired}</strong> now
      </p>
      {s.warnings.map((w) => (
        <div key={w.code} className="scaling-warning" role="status" data-testid={`scaling-warning-${w.code}`}>
          {w.message}
        </div>
      ))}
      {s.suspended.map((line) => (
        <p key={line} className="cell-note">
          {line}
        </p>
      ))}
      <h3>Policies</h3>
      {s.policies.length === 0 ? (
        <p className="cell-note">No scaling policy: only the limits and schedules change the count.</p>
      ) : (
        <ul className="scaling-list" data-testid="scaling-policies">
          {s.policies.map((p) => (
            <li key={p.name}>
              <strong>{p.kind}</strong> · {p.name}
              <div>{p.summary}</div>
            </li>
          ))}
        </ul>
      )}
      {s.scheduled.length > 0 && (
        <>
          <h3>Schedules</h3>
          <ul className="scaling-list" data-testid="scaling-schedules">
            {s.scheduled.map((a) => (
              <li key={a.name} title={a.schedule}>
                <strong>{a.when}</strong> · {a.name} · sets {a.sets}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Recent activity</h3>
      {s.activities.length === 0 ? (
        <p className="cell-note">No scaling activity in the last six weeks.</p>
      ) : (
        <table className="table" data-testid="scaling-activities">
          <thead>
            <tr>
              <th>When</th>
              <th>What</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {s.activities.slice(0, 20).map((a) => (
              <tr key={`${a.epoch}-${a.raw}`} data-testid="scaling-activity" data-direction={a.direction} title={a.raw}>
                <td>{formatTime(a.at)}</td>
                <td>
                  <Move a={a} /> {a.what}
                </td>
                <td>{a.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
