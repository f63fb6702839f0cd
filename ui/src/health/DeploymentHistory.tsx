// ECS's deployment history on the Deployments tab: the deployment in progress (stage, traffic
// split, bake time, pause with Continue / Roll back) and every deployment of the last 90 days.
import type { ActionStart } from "../actions/ActionsPanel";
import type { DeploymentHistory, RevisionSide, ServiceDeploymentRecord } from "../api";
import { useNow } from "../clock";
import { StatusPill } from "../components/Status";
import { formatTime } from "../format";

/** "in 1 h 57 min", "in 40 s", or "now" for a time `at` (ms) after `now`. */
export function until(at: number, now: number): string {
  const s = Math.round((at - now) / 1000);
  if (s <= 0) return "now";
  if (s < 60) return `in ${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `in ${m} min`;
  return `in ${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A percent as "10" or "12.5". */
const pct = (p: number) => (Math.abs(p - Math.round(p)) < 0.05 ? String(Math.round(p)) : p.toFixed(1));

/** The task definition of a side, or a placeholder while unknown. */
const label = (side: RevisionSide | undefined | null) =>
  side === undefined || side === null || side.taskDefinition === "" ? "unknown revision" : side.taskDefinition;

/** An image as (repository, tag); the tag is empty for an image named by digest or without one. */
function splitImage(image: string): [string, string] {
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash && !image.includes("@") ? [image.slice(0, colon), image.slice(colon + 1)] : [image, ""];
}

/** One image change in words: short ("web: storefront 4.2.0 → 4.3.0") when only the tag moved, and the full names. */
interface ImageChange {
  text: string;
  full: string;
}

/** Images that differ between the old and new side. */
function imageChanges(d: ServiceDeploymentRecord): ImageChange[] {
  const before = new Map((d.source[0]?.images ?? []).map((i) => [i.container, i]));
  return (d.target?.images ?? []).flatMap((i) => {
    const old = before.get(i.container);
    if (old === undefined) return [{ text: `${i.container}: ${i.image}`, full: i.image }];
    if (old.image !== i.image) {
      const full = `${i.container}: ${old.image} → ${i.image}`;
      const [repoOld, tagOld] = splitImage(old.image);
      const [repoNew, tagNew] = splitImage(i.image);
      const name = repoNew.slice(repoNew.lastIndexOf("/") + 1);
      const text = repoOld === repoNew && tagOld !== "" && tagNew !== "" ? `${i.container}: ${name} ${tagOld} → ${tagNew}` : full;
      return [{ text, full }];
    }
    if (old.digest !== i.digest && i.digest !== null) {
      return [{ text: `${i.container}: same tag, new digest ${i.digest.slice(0, 19)}…`, full: `${i.image} ${i.digest}` }];
    }
    return [];
  });
}

/** The deployment in progress: stage, traffic, tasks, bake time or pause, and what can be done. */
function Current({ d, strategyBake, onAction }: { d: ServiceDeploymentRecord; strategyBake: number; onAction?: (s: ActionStart) => void }) {
  const now = useNow(1000);
  const old = d.source[0];
  const next = d.target;
  const onNew = next?.productionPercent ?? null;
  const hook = d.hooks.find((h) => h.status === "AWAITING_ACTION" && h.targetType === "PAUSE") ?? null;
  const expires = hook?.expiresAt != null ? Date.parse(hook.expiresAt) : NaN;
  // ECS does not say when the bake began; the record changed last when it did.
  const bakeEnds = d.stage === "BAKE_TIME" && d.updatedAt !== null ? Date.parse(d.updatedAt) + strategyBake * 60_000 : NaN;
  const moving = d.status === "IN_PROGRESS" || d.status === "PENDING";
  return (
    <section className="card current-deployment" data-testid="current-deployment" data-status={d.status} data-stage={d.stage ?? ""}>
      <h3>
        {moving ? "Deploying" : "Deployment"} {label(next)} <span className="muted">from {label(old)}</span>{" "}
        <StatusPill value={d.status} testId="current-deployment-status" />
      </h3>
      <p data-testid="current-deployment-outcome">{d.outcome}</p>
      {d.stage !== null && (
        <p>
          Stage: <strong data-testid="current-deployment-stage">{d.stageWords ?? d.stage}</strong>
        </p>
      )}
      {onNew !== null && (
        <div className="traffic" data-testid="traffic-split" data-new={onNew}>
          <div className="traffic-bar" role="img" aria-label={`Production traffic: ${pct(100 - onNew)} % on ${label(old)}, ${pct(onNew)} % on ${label(next)}`}>
            <span className="traffic-old" style={{ width: `${100 - onNew}%` }} />
            <span className="traffic-new" style={{ width: `${onNew}%` }} />
          </div>
          <p className="traffic-legend">
            <span>
              Old ({label(old)}): {pct(100 - onNew)} % of production traffic, {old?.running ?? 0} running
            </span>
            <span>
              New ({label(next)}): {pct(onNew)} %, {next?.running ?? 0} of {next?.requested ?? 0} running
            </span>
          </p>
        </div>
      )}
      {!Number.isNaN(bakeEnds) && (
        <p data-testid="bake-countdown">
          Bake time: the old tasks stay ready for an instant rollback until about {formatTime(new Date(bakeEnds).toISOString())} ({until(bakeEnds, now)}).
        </p>
      )}
      {hook !== null && (
        <p className="warn-text" data-testid="pause-hook">
          Paused: waiting for someone to continue or roll back.
          {!Number.isNaN(expires) && ` If nobody does, ECS will ${hook.timeoutAction === "CONTINUE" ? "continue" : "roll back"} by itself ${until(expires, now)} (${formatTime(hook.expiresAt)}).`}
        </p>
      )}
      {moving && onAction !== undefined && (
        <div className="actions-row">
          {hook !== null && (
            <button
              type="button"
              className="primary"
              onClick={() => {
                onAction({ kind: "continueDeployment", deployment: d.arn, hook: hook.hookId });
              }}
              data-testid="deployment-continue"
            >
              Continue…
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              onAction({ kind: "rollBackDeployment", deployment: d.arn });
            }}
            data-testid="deployment-rollback"
          >
            Roll back…
          </button>
        </div>
      )}
    </section>
  );
}

/** The deployment in progress, if any, and the history table. */
export function History({ history, onAction }: { history: DeploymentHistory; onAction?: (s: ActionStart) => void }) {
  const running = history.deployments.find((d) => !["SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"].includes(d.status));
  return (
    <div data-testid="deployment-history">
      <p data-testid="deployment-strategy">{history.strategyWords}</p>
      {history.note !== null && (
        <p className="notice" role="note" data-testid="history-note">
          {history.note}
        </p>
      )}
      {running !== undefined && <Current d={running} strategyBake={history.strategy.bakeMinutes} onAction={onAction} />}
      {history.available && (
        <>
          <h3>Deployments in the last 90 days</h3>
          {history.deployments.length === 0 ? (
            <p className="muted">ECS recorded no deployment of this service in the last 90 days.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="history-table">
                <thead>
                  <tr>
                    <th>Started</th>
                    <th>From → to</th>
                    <th>What changed</th>
                    <th>Strategy</th>
                    <th>Outcome</th>
                    <th>Registered by</th>
                    <th>Finished</th>
                  </tr>
                </thead>
                <tbody>
                  {history.deployments.map((d) => {
                    const changes = imageChanges(d);
                    return (
                      <tr key={d.arn} data-testid="history-row" data-status={d.status}>
                        <td>{formatTime(d.startedAt ?? d.createdAt)}</td>
                        <td className="mono">
                          {d.source.length === 0 ? <span className="muted">first deployment</span> : label(d.source[0])} → {label(d.target)}
                        </td>
                        <td className="mono">{changes.length === 0 ? (
                            <span className="muted">same images</span>
                          ) : (
                            changes.map((c) => (
                              <div key={c.full} title={c.full}>
                                {c.text}
                              </div>
                            ))
                          )}</td>
                        <td>{d.strategy.kind === "rolling" ? "Rolling" : d.strategy.kind === "blueGreen" ? "Blue/green" : d.strategy.kind === "linear" ? "Linear" : "Canary"}</td>
                        <td>
                          <StatusPill value={d.status} />
                          <div className="cell-note">{d.outcome}</div>
                        </td>
                        <td>{d.target?.registeredBy ?? "—"}</td>
                        <td>{formatTime(d.finishedAt ?? d.stoppedAt)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
