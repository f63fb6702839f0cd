// Live progress of an executed action, ending in a verdict banner that stays on the page.
import * as api from "../api";
import type { ActionPlan, ExecuteStarted, WatchUpdate } from "../api";
import { formatTime } from "../format";
import { duration, outcomeLabel, outcomeTone } from "./words";
import "./actions.css";

/** The progress card of one action. */
export function ProgressPanel({
  plan,
  started,
  update,
}: {
  plan: ActionPlan;
  started: ExecuteStarted;
  update: WatchUpdate | null;
}) {
  const verdict = update?.verdict ?? null;
  const desired = update?.desired ?? plan.desired;
  const healthy = update?.newHealthy ?? 0;
  return (
    <section className="card progress-card" data-testid="action-progress" aria-live="polite">
      <div className="card-head">
        <h2>{plan.title}</h2>
        <span className="muted">
          started {formatTime(started.startedAt)} by {plan.user}
          {started.deploymentId !== null && <> · deployment {started.deploymentId}</>}
        </span>
      </div>
      {verdict !== null ? (
        <div className={`verdict verdict-${outcomeTone(verdict.outcome)}`} data-testid="verdict" data-outcome={verdict.outcome}>
          <strong data-testid="verdict-label">
            {outcomeLabel(verdict.outcome)} after {duration(verdict.elapsedSecs)}
          </strong>
          <span data-testid="verdict-headline">{verdict.headline}</span>
          {verdict.detail !== "" && <div className="cell-note">{verdict.detail}</div>}
        </div>
      ) : (
        <>
          <p className="progress-phase" data-testid="progress-phase" data-stage={update?.stage ?? ""}>
            {update?.phase ?? "Sent to ECS. Waiting for the first reading…"}
          </p>
          <progress
            max={Math.max(desired, 1)}
            value={desired === 0 ? (update !== null && update.oldRunning + update.oldDraining === 0 ? 1 : 0) : healthy}
            aria-label="New tasks running and healthy"
            data-testid="progress-bar"
          />
          {update?.newTrafficPercent != null && (
            <p className="muted" data-testid="progress-traffic">
              Production traffic on the new tasks: {Math.round(update.newTrafficPercent * 10) / 10} %
            </p>
          )}
          <button
            type="button"
            className="button"
            onClick={() => void api.cancelAction(plan.planId).catch(() => undefined)}
            data-testid="stop-watching"
          >
            Stop watching
          </button>
        </>
      )}
      {update !== null && (
        <>
          <div className="progress-facts" data-testid="progress-facts">
            <div>
              <span>New tasks healthy</span>
              <b data-testid="progress-new">
                {update.newHealthy} of {update.desired}
              </b>
            </div>
            <div>
              <span>New tasks running</span>
              <b>{update.newRunning}</b>
            </div>
            <div>
              <span>Old tasks still running</span>
              <b data-testid="progress-old">{update.oldRunning}</b>
            </div>
            <div>
              <span>Draining / stopping</span>
              <b data-testid="progress-draining">{update.oldDraining}</b>
            </div>
            {update.failedTasks > 0 && (
              <div>
                <span>Failed to start</span>
                <b className="bad-text">{update.failedTasks}</b>
              </div>
            )}
            {update.hasLoadBalancer && (
              <div>
                <span>Healthy targets</span>
                <b data-testid="progress-targets" className={update.healthyTargets === 0 && update.desired > 0 ? "bad-text" : undefined}>
                  {update.healthyTargets} of {update.totalTargets}
                </b>
              </div>
            )}
          </div>
          {update.targets.length > 0 && (
            <ul className="target-list" data-testid="progress-target-list">
              {update.targets.map((t) => (
                <li key={`${t.id}:${t.port ?? ""}`}>
                  {t.id}
                  {t.port !== null && `:${t.port}`} — <b>{t.state}</b>
                  {t.isNew ? " (new)" : t.taskId !== null ? " (old)" : ""}
                </li>
              ))}
            </ul>
          )}
          {update.events.length > 0 && (
            <ol className="events" data-testid="progress-events">
              {update.events.slice(0, 6).map((e) => (
                <li key={e.id}>
                  <time dateTime={e.createdAt ?? undefined}>{formatTime(e.createdAt)}</time>
                  <span>{e.message}</span>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
