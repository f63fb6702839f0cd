import type { SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { FilterInput } from "../components/FilterInput";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { formatTime, matchesFilter } from "../format";
import { useStickyState } from "../stickyState";
import { useEvents } from "./queries";

/** The Events tab: ECS's words, newest first, with what they mean. */
export function EventsTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const events = useEvents(session, cluster, service);
  const [filter, setFilter] = useStickyState(`filter:health-events:${session.id}:${cluster}:${service}`);
  if (events.isPending) return <SkeletonRows rows={5} label="Loading events" />;
  if (events.isError) return <ErrorPanel title="Could not load the events" error={events.error} onRetry={() => void events.refetch()} retrying={events.isFetching} />;
  const shown = events.data.filter((e) => matchesFilter(filter, e.message, e.gloss ?? ""));
  return (
    <div data-testid="events-tab">
      <div className="toolbar">
        <FilterInput value={filter} onChange={setFilter} label="Filter events" testId="health-events-filter" />
        <span className="muted">Newest first · {events.data.length} events</span>
      </div>
      {shown.length === 0 ? (
        <EmptyState testId="empty-health-events" title={events.data.length === 0 ? "No events yet." : `No event matches “${filter}”.`} />
      ) : (
        <ol className="events glossed" data-testid="health-events-list">
          {shown.map((e) => (
            <li key={e.id} data-testid="health-event" data-kind={e.kind} className={e.problem ? "problem" : undefined}>
              <time dateTime={e.createdAt ?? undefined}>{formatTime(e.createdAt)}</time>
              <div>
                <div className="event-message">{e.message}</div>
                {e.gloss !== null && (
                  <div className="event-gloss" data-testid="event-gloss">
                    {e.gloss}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
