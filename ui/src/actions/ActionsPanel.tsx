// The Actions card of the service page: restart (recommended), scale, roll back, the protection
// level, the live progress of the latest action and its verdict, and the audit log.
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import * as api from "../api";
import type {
  ActionLimits,
  ActionPlan,
  ExecuteStarted,
  ProtectionLevel,
  ProtectionScope,
  SessionInfo,
  WatchUpdate,
} from "../api";
import { queryKeys } from "../query/keys";
import { ActionDialog, type ActionStart } from "./ActionDialog";
import { AuditLog } from "./AuditLog";
import { ProgressPanel } from "./ProgressPanel";
import { useActionStatus, useProtection } from "./queries";
import { protectionLabel } from "./words";
import "./actions.css";

export type { ActionStart };

/** The latest action shown on the page. */
interface Live {
  plan: ActionPlan;
  started: ExecuteStarted;
  update: WatchUpdate | null;
}

/** No action ruled out by the kind of service. */
const NO_LIMITS: ActionLimits = { restart: null, scale: null, rollback: null };

/** The Actions card; `start` opens the dialog (also from a task row's "Stop task"). */
export function ActionsPanel({
  session,
  cluster,
  service,
  desired,
  revision,
  limits = NO_LIMITS,
  start,
  onStart,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  desired: number;
  revision: number;
  /** Why ECS refuses an action for this kind of service (daemon, CodeDeploy, external). */
  limits?: ActionLimits;
  start: ActionStart | null;
  onStart: (start: ActionStart | null) => void;
}) {
  const client = useQueryClient();
  const protection = useProtection(session, cluster, service);
  // An action started earlier (before the page was left) keeps showing its progress or verdict.
  const status = useActionStatus(session, cluster, service);
  const [live, setLive] = useState<Live | null>(null);
  const early = useRef(new Map<string, WatchUpdate>());
  const lastStep = useRef("");
  const [auditOpen, setAuditOpen] = useState(false);
  const [protectionError, setProtectionError] = useState<string | null>(null);

  const restored: Live | null =
    status.data === undefined || status.data === null
      ? null
      : { plan: status.data.plan, started: status.data.started, update: status.data.lastUpdate };
  const current = live ?? restored;
  const inFlight = current !== null && current.update?.verdict == null;

  const onUpdate = (u: WatchUpdate) => {
    // The Deployments tab follows the watch: a new stage or traffic step shows there at once.
    const step = `${u.stage ?? ""}/${u.newTrafficPercent ?? ""}/${u.verdict === null ? "" : "done"}`;
    if (step !== lastStep.current) {
      lastStep.current = step;
      void client.invalidateQueries({ queryKey: queryKeys.health.deployments(session, cluster, service) });
    }
    setLive((prev) => {
      if (prev === null || prev.plan.planId !== u.planId) {
        early.current.set(u.planId, u);
        return prev;
      }
      return { ...prev, update: u };
    });
    if (u.verdict !== null) {
      void client.invalidateQueries({ queryKey: queryKeys.browse.service(session, cluster, service) });
      void client.invalidateQueries({ queryKey: queryKeys.browse.services(session, cluster) });
      void client.invalidateQueries({ queryKey: queryKeys.actions.allAudit() });
      // A scale may have changed the auto scaling limits; the activities follow any scale.
      void client.invalidateQueries({ queryKey: queryKeys.health.scaling(session, cluster, service) });
      void client.invalidateQueries({ queryKey: queryKeys.health.changes(session, cluster, service) });
    }
  };
  const onStarted = (plan: ActionPlan, started: ExecuteStarted) => {
    setLive({ plan, started, update: early.current.get(plan.planId) ?? null });
    early.current.delete(plan.planId);
    onStart(null);
    void client.invalidateQueries({ queryKey: queryKeys.browse.service(session, cluster, service) });
    void client.invalidateQueries({ queryKey: queryKeys.health.deployments(session, cluster, service) });
  };
  const changeProtection = (scope: ProtectionScope, value: string) => {
    setProtectionError(null);
    const level = value === "" ? null : (value as ProtectionLevel);
    api.setProtection(session.id, cluster, service, scope, level).then(
      (view) => {
        client.setQueryData(queryKeys.actions.protection(session, cluster, service), view);
      },
      (e: unknown) => {
        setProtectionError(api.toApiError(e).message);
      },
    );
  };

  const p = protection.data;
  const readOnly = p?.effective.level === "readOnly";
  const disabled = readOnly || inFlight || protection.isPending;
  const why = readOnly
    ? `Actions are turned off: ${p.effective.reason}`
    : inFlight
      ? "An action on this service is in progress; wait for its verdict."
      : undefined;

  // Restart and roll back share one reason when a deployment tool other than ECS owns them.
  const unavailable: [string, string][] = [];
  if (limits.restart !== null && limits.restart === limits.rollback) {
    unavailable.push(["Restart or roll back", limits.restart]);
  } else {
    if (limits.restart !== null) unavailable.push(["Restart", limits.restart]);
    if (limits.rollback !== null) unavailable.push(["Roll back", limits.rollback]);
  }
  if (limits.scale !== null) unavailable.push(["Scale", limits.scale]);

  return (
    <>
      <section className="card actions-card" aria-labelledby="actions-title" data-testid="actions-card">
        <div className="card-head">
          <h2 id="actions-title">Actions</h2>
          <button
            type="button"
            className="button link"
            onClick={() => {
              setAuditOpen(true);
            }}
            data-testid="open-audit"
          >
            Audit log
          </button>
        </div>
        <div className="actions-row">
          <button
            type="button"
            className="button primary"
            disabled={disabled || limits.restart !== null}
            title={why ?? limits.restart ?? undefined}
            onClick={() => {
              onStart({ kind: "forceNewDeployment" });
            }}
            data-testid="action-restart"
          >
            Restart (force new deployment)
          </button>
          <button
            type="button"
            className="button"
            disabled={disabled || limits.scale !== null}
            title={why ?? limits.scale ?? undefined}
            onClick={() => {
              onStart({ kind: "setDesiredCount", current: desired });
            }}
            data-testid="action-scale"
          >
            Scale…
          </button>
          <button
            type="button"
            className="button"
            disabled={disabled || limits.rollback !== null}
            title={why ?? limits.rollback ?? undefined}
            onClick={() => {
              onStart({ kind: "rollback", current: revision });
            }}
            data-testid="action-rollback"
          >
            Roll back…
          </button>
        </div>
        {unavailable.length > 0 && (
          <ul className="actions-limits" data-testid="actions-limits">
            {unavailable.map(([name, reason]) => (
              <li key={name}>
                <b>{name} is not offered.</b> {reason}
              </li>
            ))}
          </ul>
        )}
        {why !== undefined ? (
          <p className={readOnly ? "actions-blocked" : "actions-note"} data-testid="actions-disabled-reason">
            {why}
          </p>
        ) : limits.restart === null ? (
          <p className="actions-note">
            Restart is the recommended way: ECS starts new tasks before it stops the old ones. You will see exactly what
            happens before anything changes.
          </p>
        ) : null}
        {p !== undefined && (
          <div className="protection-row" data-testid="protection-row">
            <span className="muted">Protection:</span>
            <b data-testid="protection-level">{protectionLabel(p.effective.level)}</b>
            <span className="muted">— {p.effective.reason}</span>
            <details className="protection-change">
              <summary data-testid="protection-change">Change…</summary>
              <p className="muted">
                Raising protection takes effect at once. Lowering it asks for confirmation in a system dialog, and every
                change is written to the audit log.
              </p>
            <label>
              <span className="label-text">Cluster {cluster}</span>
              <select
                value={p.clusterLevel ?? ""}
                onChange={(e) => {
                  changeProtection("cluster", e.target.value);
                }}
                data-testid="protection-cluster"
              >
                <option value="">Automatic (by name)</option>
                <option value="confirm">Confirm</option>
                <option value="typedConfirm">Type the service name</option>
                <option value="readOnly">Read-only</option>
              </select>
            </label>
            <label>
              <span className="label-text">Account {p.accountId}</span>
              <select
                value={p.accountLevel ?? ""}
                onChange={(e) => {
                  changeProtection("account", e.target.value);
                }}
                data-testid="protection-account"
              >
                <option value="">Automatic (by name)</option>
                <option value="confirm">Confirm</option>
                <option value="typedConfirm">Type the service name</option>
                <option value="readOnly">Read-only</option>
              </select>
            </label>
            </details>
          </div>
        )}
        {protectionError !== null && (
          <p className="form-error" role="alert" data-testid="protection-error">
            {protectionError}
          </p>
        )}
      </section>
      {current !== null && <ProgressPanel plan={current.plan} started={current.started} update={current.update} />}
      {start !== null && (
        <ActionDialog
          session={session}
          cluster={cluster}
          service={service}
          start={start}
          onClose={() => {
            onStart(null);
          }}
          onStarted={onStarted}
          onUpdate={onUpdate}
        />
      )}
      {auditOpen && (
        <AuditLog
          service={service}
          onClose={() => {
            setAuditOpen(false);
          }}
        />
      )}
    </>
  );
}
