import type { SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { ListToolbar } from "../components/ListToolbar";
import { RegionSwitcher } from "./RegionSwitcher";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { StatusPill } from "../components/Status";
import { matchesFilter } from "../format";
import { lastSelection, rememberSelection, useStickyState } from "../stickyState";
import { usePartitions } from "../signin/queries";
import { useClusters } from "./queries";
import { navigate } from "../route";

/** The clusters of the session's region, with the runbook's wrong-region hint when there are none. */
export function Clusters({ session }: { session: SessionInfo }) {
  const clusters = useClusters(session);
  const partitions = usePartitions();
  const listKey = `clusters:${session.id}:${session.region}`;
  const [filter, setFilter] = useStickyState(`filter:${listKey}`);
  const selected = lastSelection(listKey);
  const partition = partitions.data?.find((p) => p.id === session.partition);
  const rows = (clusters.data ?? []).filter((c) => matchesFilter(filter, c.name, c.status));

  return (
    <main className="page" data-testid="clusters-view">
      <h1>
        Clusters <span className="h-sub">in {session.region}</span>
      </h1>
      <ListToolbar
        filter={filter}
        onFilter={setFilter}
        filterLabel="Filter clusters by name"
        updatedAt={clusters.dataUpdatedAt}
        fetching={clusters.isFetching}
        onRefresh={() => void clusters.refetch()}
      />
      {clusters.isError && (
        <ErrorPanel
          title="Could not list the clusters"
          error={clusters.error}
          onRetry={() => void clusters.refetch()}
          retrying={clusters.isFetching}
        />
      )}
      {clusters.isPending && <SkeletonRows label="Loading clusters" />}
      {clusters.isSuccess && clusters.data.length === 0 && (
        <EmptyState testId="empty-clusters" title="No clusters in this region — are you in the right region?">
          <p>
            ECS Desk looked in <strong>{session.region}</strong>.
            {partition !== undefined && partition.defaultRegion !== session.region && (
              <> Services of this partition usually run in {partition.defaultRegion}.</>
            )}{" "}
            Pick another region:
          </p>
          <RegionSwitcher session={session} testId="empty-region-select" label="Switch region" />
        </EmptyState>
      )}
      {clusters.isSuccess && clusters.data.length > 0 && rows.length === 0 && (
        <EmptyState testId="no-match" title={`No cluster matches “${filter}”.`} />
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="clusters-table">
            <thead>
              <tr>
                <th>Cluster</th>
                <th>Status</th>
                <th className="num">Services</th>
                <th className="num">Running tasks</th>
                <th className="num">Pending tasks</th>
                <th>Capacity providers</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr
                  key={c.arn}
                  className={selected === c.name ? "selected" : undefined}
                  aria-selected={selected === c.name}
                  data-testid={`cluster-row-${c.name}`}
                >
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        rememberSelection(listKey, c.name);
                        navigate({ view: "services", sessionId: session.id, cluster: c.name });
                      }}
                      data-testid={`cluster-link-${c.name}`}
                    >
                      {c.name}
                    </button>
                  </td>
                  <td>
                    <StatusPill value={c.status} />
                  </td>
                  <td className="num" data-testid={`cluster-services-${c.name}`}>
                    {c.activeServices}
                  </td>
                  <td className="num" data-testid={`cluster-running-${c.name}`}>
                    {c.runningTasks}
                  </td>
                  <td className="num">{c.pendingTasks}</td>
                  <td className="muted">{c.capacityProviders.length > 0 ? c.capacityProviders.join(", ") : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
