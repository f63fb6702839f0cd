import type { ActorKind, ServiceChange, SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { formatTime } from "../format";
import { useChanges } from "./queries";

const ACTOR: Record<ActorKind, string> = { person: "Person", pipeline: "Pipeline", awsService: "AWS" };

/** Who made a change, with the role they used and what kind of actor they are. */
function Who({ c }: { c: ServiceChange }) {
  return (
    <>
      <span className={`pill ${c.actor === "person" ? "pill-muted" : "pill-info"}`} data-testid="change-actor">
        {ACTOR[c.actor]}
      </span>{" "}
      {c.who}
      {c.role !== null && <div className="cell-note">as {c.role}</div>}
    </>
  );
}

/** The Changes tab: changes to the service by anyone in the last 90 days, from CloudTrail. */
export function ChangesTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const changes = useChanges(session, cluster, service);
  if (changes.isPending) return <SkeletonRows rows={4} label="Loading changes from CloudTrail" />;
  if (changes.isError)
    return <ErrorPanel title="Could not load the changes" error={changes.error} onRetry={() => void changes.refetch()} retrying={changes.isFetching} />;
  const pages = changes.data.pages;
  const list = pages.flatMap((p) => p.changes);
  const scanned = pages.reduce((n, p) => n + p.scanned, 0);
  const since = pages[pages.length - 1]?.completeSince ?? null;
  return (
    <div className="changes" data-testid="changes-tab">
      <p className="cell-note" data-testid="changes-note">
        Changes by anyone — the console, the AWS CLI, pipelines, AWS services, ECS Desk — from CloudTrail, which shows them
        about 5 minutes late. {since === null ? "All of the last 90 days." : `Complete back to ${formatTime(since)}.`} ({scanned}{" "}
        events of the region read.) ECS Desk&apos;s own actions from this computer are also in its audit log.
      </p>
      {list.length === 0 ? (
        <EmptyState testId="empty-changes" title="No change to this service found in CloudTrail." />
      ) : (
        <table className="table" data-testid="changes-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>From</th>
              <th>What</th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.id} data-testid="change-row" data-event={c.eventName} data-via={c.via} className={c.error === null ? undefined : "bad-row"}>
                <td>{formatTime(c.at)}</td>
                <td>
                  <Who c={c} />
                </td>
                <td>{c.via}</td>
                <td>
                  {c.what}
                  {c.error !== null && <div className="cell-note">AWS refused it ({c.error}).</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {changes.hasNextPage && (
        <button type="button" className="button" onClick={() => void changes.fetchNextPage()} disabled={changes.isFetchingNextPage} data-testid="changes-older">
          {changes.isFetchingNextPage ? "Reading older changes…" : "Older changes"}
        </button>
      )}
    </div>
  );
}
