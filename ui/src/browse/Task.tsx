import type { SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { FilterInput } from "../components/FilterInput";
import { UpdatedAgo } from "../components/UpdatedAgo";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { StatusPill, statusLabel } from "../components/Status";
import { formatTime, matchesFilter, revisionOf, shortTaskDefinition } from "../format";
import { useStickyState } from "../stickyState";
import { useTaskDetail } from "./queries";
import { StopTaskButton } from "../actions/StopTaskButton";
import { ConsoleButton } from "../components/ConsoleButton";

/** One task: status, health, times, why it stopped, its containers. */
export function Task({ session, cluster, taskId }: { session: SessionInfo; cluster: string; taskId: string }) {
  const task = useTaskDetail(session, cluster, taskId);
  const [filter, setFilter] = useStickyState(`filter:containers:${session.id}:${taskId}`);

  if (task.isPending) {
    return (
      <main className="page" data-testid="task-view">
        <h1 className="mono">{taskId}</h1>
        <SkeletonRows rows={6} label="Loading the task" />
      </main>
    );
  }
  if (task.isError) {
    return (
      <main className="page" data-testid="task-view">
        <h1 className="mono">{taskId}</h1>
        <ErrorPanel
          title="Could not load this task"
          error={task.error}
          onRetry={() => void task.refetch()}
          retrying={task.isFetching}
        />
      </main>
    );
  }

  const t = task.data;
  const s = t.summary;
  const containers = t.containers.filter((c) => matchesFilter(filter, c.name, c.image, c.lastStatus, c.reason));
  const revision = revisionOf(s.taskDefinition);

  return (
    <main className="page" data-testid="task-view">
      <div className="title-row">
        <h1>
          Task <span className="mono">{taskId}</span>
        </h1>
        <StatusPill value={s.lastStatus} testId="task-status" />
        <span className="toolbar-spacer" />
        {t.group?.startsWith("service:") === true && (
          <StopTaskButton
            session={session}
            cluster={cluster}
            service={t.group.slice("service:".length)}
            taskId={taskId}
            running={s.desiredStatus === "RUNNING"}
          />
        )}
        <ConsoleButton session={session} target={{ kind: "task", cluster, taskId }} label="AWS console ↗" testId="task-open-console" />
        <UpdatedAgo updatedAt={task.dataUpdatedAt} fetching={task.isFetching} />
        <button
          type="button"
          className="button"
          onClick={() => void task.refetch()}
          disabled={task.isFetching}
          data-testid="refresh-button"
        >
          Refresh
        </button>
      </div>

      <dl className="facts" data-testid="task-facts">
        <div>
          <dt>Status</dt>
          <dd>
            {statusLabel(s.lastStatus)} <span className="muted">(desired: {statusLabel(s.desiredStatus)})</span>
          </dd>
        </div>
        <div>
          <dt>Health</dt>
          <dd>
            <StatusPill value={s.healthStatus} testId="task-health" />
          </dd>
        </div>
        <div>
          <dt>Private IP</dt>
          <dd className="mono" data-testid="task-private-ip">
            {s.privateIp ?? "—"}
          </dd>
        </div>
        <div>
          <dt>Task definition</dt>
          <dd data-testid="task-taskdef">
            {shortTaskDefinition(s.taskDefinition)}{" "}
            <span className="muted" data-testid="task-taskdef-revision" data-revision={revision ?? ""}>
              (revision {revision ?? "unknown"})
            </span>
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd data-testid="task-started">{formatTime(s.startedAt)}</dd>
        </div>
        <div>
          <dt>Stopped</dt>
          <dd data-testid="task-stopped">{formatTime(s.stoppedAt)}</dd>
        </div>
        <div>
          <dt>Stop code</dt>
          <dd data-testid="task-stop-code">{s.stopCode ?? "—"}</dd>
        </div>
        <div>
          <dt>Stopped reason</dt>
          <dd data-testid="task-stopped-reason">{s.stoppedReason ?? "—"}</dd>
        </div>
        <div>
          <dt>Launch type</dt>
          <dd>{s.launchType ?? "—"}</dd>
        </div>
        <div>
          <dt>CPU / memory</dt>
          <dd>
            {t.cpu ?? "—"} CPU units / {t.memory ?? "—"} MiB
          </dd>
        </div>
        <div>
          <dt>Availability zone</dt>
          <dd>{t.availabilityZone ?? "—"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTime(t.createdAt)}</dd>
        </div>
        <div>
          <dt>Image pull started</dt>
          <dd>{formatTime(t.pullStartedAt)}</dd>
        </div>
        <div>
          <dt>Stopping since</dt>
          <dd>{formatTime(t.stoppingAt)}</dd>
        </div>
      </dl>

      <section className="card" aria-labelledby="containers-title">
        <h2 id="containers-title">Containers</h2>
        <div className="toolbar">
          <FilterInput value={filter} onChange={setFilter} label="Filter containers" />
        </div>
        {t.containers.length === 0 ? (
          <EmptyState testId="empty-containers" title="This task reports no containers." />
        ) : containers.length === 0 ? (
          <EmptyState testId="no-match" title={`No container matches “${filter}”.`} />
        ) : (
          // Nothing to press in this table: focusable so that a wide table can be scrolled by keyboard.
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Containers">
            <table className="table" data-testid="containers-table">
              <thead>
                <tr>
                  <th>Container</th>
                  <th>Status</th>
                  <th>Health</th>
                  <th className="num">Exit code</th>
                  <th>Reason</th>
                  <th>Image</th>
                </tr>
              </thead>
              <tbody>
                {containers.map((c) => (
                  <tr key={c.name} data-testid={`container-row-${c.name}`}>
                    <td>{c.name}</td>
                    <td>
                      <StatusPill value={c.lastStatus} />
                    </td>
                    <td>
                      <StatusPill value={c.healthStatus} />
                    </td>
                    <td
                      className={`num${c.exitCode !== null && c.exitCode !== 0 ? " bad-text" : ""}`}
                      data-testid={`container-exit-${c.name}`}
                    >
                      {c.exitCode ?? "—"}
                    </td>
                    <td className="reason">{c.reason ?? "—"}</td>
                    <td className="mono image">{c.image ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
