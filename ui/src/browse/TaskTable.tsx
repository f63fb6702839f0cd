// The running or stopped tasks of a service as a table; a row opens its task.
import type { TaskSummary } from "../api";
import { StatusPill } from "../components/Status";
import { formatTime, revisionOf, taskIdOf } from "../format";

/** Tasks with status, times and revision; running ones also offer "Stop task…". */
export function TaskTable({
  tasks,
  selected,
  onOpen,
  testId,
  stopped = false,
  onStop,
}: {
  tasks: TaskSummary[];
  selected: string | undefined;
  onOpen: (t: TaskSummary) => void;
  /** Opens the guarded "Stop task" action (running tasks only). */
  onStop?: (t: TaskSummary) => void;
  testId: string;
  stopped?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>Task</th>
            <th>Status</th>
            {stopped ? (
              <>
                <th>Stopped</th>
                <th>Stop code</th>
                <th>Reason</th>
              </>
            ) : (
              <>
                <th>Health</th>
                <th>Started</th>
                <th>Private IP</th>
              </>
            )}
            <th className="num">Revision</th>
            {onStop !== undefined && <th>Action</th>}
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => {
            const id = taskIdOf(t.id);
            return (
              <tr
                key={t.arn}
                className={selected === id ? "selected" : undefined}
                aria-selected={selected === id}
                data-testid={`task-row-${id}`}
              >
                <td>
                  <button
                    type="button"
                    className="link mono"
                    onClick={() => {
                      onOpen(t);
                    }}
                    data-testid="task-link"
                    data-task-id={id}
                  >
                    {id}
                  </button>
                </td>
                <td>
                  <StatusPill value={t.lastStatus} />
                </td>
                {stopped ? (
                  <>
                    <td>{formatTime(t.stoppedAt)}</td>
                    <td>{t.stopCode ?? "—"}</td>
                    <td className="reason">{t.stoppedReason ?? "—"}</td>
                  </>
                ) : (
                  <>
                    <td>
                      <StatusPill value={t.healthStatus} />
                    </td>
                    <td>{formatTime(t.startedAt)}</td>
                    <td className="mono">{t.privateIp ?? "—"}</td>
                  </>
                )}
                <td className="num">{revisionOf(t.taskDefinition) ?? "—"}</td>
                {onStop !== undefined && (
                  <td>
                    <button
                      type="button"
                      className="button"
                      disabled={t.desiredStatus !== "RUNNING"}
                      onClick={() => {
                        onStop(t);
                      }}
                      data-testid="task-stop"
                      data-task-id={id}
                    >
                      Stop task…
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
