// The guarded-action dialog: choose the details (count, revision, reason), read the plan in plain
// words, confirm (typing the service name when the plan asks), then hand over to the progress panel.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { ActionPlan, ActionRequest, ExecuteStarted, SessionInfo, WatchUpdate } from "../api";
import { PartitionBadge } from "../components/PartitionBadge";
import { formatTime } from "../format";
import { usePlan, useRevisions } from "./queries";
import { confirmLabel, riskLabel } from "./words";
import "./actions.css";

/** What the user asked for before the details are filled in. */
export type ActionStart =
  | { kind: "forceNewDeployment" }
  | { kind: "stopTask"; task: string }
  | { kind: "setDesiredCount"; current: number }
  | { kind: "rollback"; current: number };

/** The dialog from details to confirmation. */
export function ActionDialog({
  session,
  cluster,
  service,
  start,
  onClose,
  onStarted,
  onUpdate,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  start: ActionStart;
  onClose: () => void;
  onStarted: (plan: ActionPlan, started: ExecuteStarted) => void;
  onUpdate: (update: WatchUpdate) => void;
}) {
  const [request, setRequest] = useState<ActionRequest | null>(
    start.kind === "forceNewDeployment" ? { kind: "forceNewDeployment" } : null,
  );
  return (
    <div className="modal-backdrop" data-testid="action-dialog">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="action-dialog-title">
        {request === null ? (
          <DetailsStep session={session} cluster={cluster} service={service} start={start} onNext={setRequest} onClose={onClose} />
        ) : (
          <PlanStep
            key={JSON.stringify(request)}
            session={session}
            cluster={cluster}
            service={service}
            request={request}
            onPlanOther={setRequest}
            onClose={onClose}
            onStarted={onStarted}
            onUpdate={onUpdate}
          />
        )}
      </div>
    </div>
  );
}

/** Step 1 for actions that need details: the new count, the revision, or the reason. */
function DetailsStep({
  session,
  cluster,
  service,
  start,
  onNext,
  onClose,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  start: ActionStart;
  onNext: (r: ActionRequest) => void;
  onClose: () => void;
}) {
  const [count, setCount] = useState(start.kind === "setDesiredCount" ? String(start.current) : "");
  const [reason, setReason] = useState("");
  const [revision, setRevision] = useState("");
  const revisions = useRevisions(session, cluster, service, start.kind === "rollback");
  const older = (revisions.data ?? []).filter((r) => !r.current);
  const chosen = revision !== "" ? revision : String(older[0]?.revision ?? "");

  let title = "";
  let body = null;
  let next: ActionRequest | null = null;
  let problem: string | null = null;
  switch (start.kind) {
    case "forceNewDeployment":
      return null;
    case "setDesiredCount": {
      title = `Scale ${service}`;
      const n = Number(count);
      if (count.trim() === "" || !Number.isInteger(n)) problem = "Enter a whole number of tasks.";
      else if (n < 0 || n > 100) problem = "Choose a number of tasks from 0 to 100.";
      else if (n === start.current) problem = `The service already wants ${n} task${n === 1 ? "" : "s"}.`;
      else next = { kind: "setDesiredCount", desired: n };
      body = (
        <label className="form-row">
          <span>
            How many tasks should run? <span className="muted">(now {start.current}; 0 stops the service)</span>
          </span>
          <input
            type="number"
            min={0}
            max={100}
            value={count}
            onChange={(e) => {
              setCount(e.target.value);
            }}
            data-testid="scale-input"
          />
        </label>
      );
      break;
    }
    case "rollback": {
      title = `Roll back ${service}`;
      if (revisions.isPending) problem = "Loading the revisions…";
      else if (revisions.isError) problem = api.toApiError(revisions.error).message;
      else if (older.length === 0) problem = "There is no other active revision to go back to.";
      else next = { kind: "rollback", revision: Number(chosen) };
      body = (
        <label className="form-row">
          <span>
            Which revision should run? <span className="muted">(now revision {start.current})</span>
          </span>
          <select
            value={chosen}
            onChange={(e) => {
              setRevision(e.target.value);
            }}
            data-testid="revision-select"
          >
            {older.map((r) => (
              <option key={r.revision} value={r.revision}>
                {r.taskDefinition} — {r.image?.split("/").pop() ?? "image unknown"} — registered {formatTime(r.registeredAt)}
              </option>
            ))}
          </select>
          <span className="muted">ECS Desk only points the service at an existing revision; it never creates one.</span>
        </label>
      );
      break;
    }
    case "stopTask": {
      title = `Stop task ${start.task}`;
      if (reason.trim() === "") problem = "Say why you stop the task; ECS keeps the reason with it.";
      else if (reason.trim().length > 200) problem = "The reason is too long (at most 200 characters).";
      else next = { kind: "stopTask", task: start.task, reason: reason.trim() };
      body = (
        <label className="form-row">
          <span>Why are you stopping it?</span>
          <input
            type="text"
            value={reason}
            placeholder="e.g. Not responding after the database failover"
            onChange={(e) => {
              setReason(e.target.value);
            }}
            data-testid="stop-reason"
          />
        </label>
      );
      break;
    }
  }
  return (
    <>
      <h2 id="action-dialog-title">{title}</h2>
      {body}
      {problem !== null && (count !== "" || reason !== "" || start.kind === "rollback") && (
        <p className="muted" data-testid="details-problem">
          {problem}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose} data-testid="details-cancel">
          Cancel
        </button>
        <button
          type="button"
          className="button primary"
          disabled={next === null}
          onClick={() => {
            if (next !== null) onNext(next);
          }}
          data-testid="details-next"
        >
          Review the plan
        </button>
      </div>
    </>
  );
}

/** Step 2: the plan in plain words and the confirmation. */
function PlanStep({
  session,
  cluster,
  service,
  request,
  onPlanOther,
  onClose,
  onStarted,
  onUpdate,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  request: ActionRequest;
  onPlanOther: (r: ActionRequest) => void;
  onClose: () => void;
  onStarted: (plan: ActionPlan, started: ExecuteStarted) => void;
  onUpdate: (update: WatchUpdate) => void;
}) {
  const plan = usePlan(session, cluster, service, request);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<api.ApiError | null>(null);
  const submitted = useRef(false);
  // The plan was sent and refused for good: only closing is left.
  const [spent, setSpent] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const p = plan.data;
  useEffect(() => {
    if (p?.confirmation === "typedName") inputRef.current?.focus();
  }, [p]);

  const cancel = () => {
    // Recorded in the audit log as cancelled; the dialog closes either way.
    if (p !== undefined && !submitted.current && !spent) void api.cancelAction(p.planId).catch(() => undefined);
    onClose();
  };

  if (plan.isPending) {
    return (
      <>
        <h2 id="action-dialog-title">Working out what will happen…</h2>
        <p className="muted">Reading {service} as it is right now. Nothing is changed yet.</p>
      </>
    );
  }
  if (plan.isError || p === undefined) {
    const e = api.toApiError(plan.error);
    return (
      <>
        <h2 id="action-dialog-title">This action cannot be planned</h2>
        <p className="form-error" data-testid="plan-error" data-code={e.code}>
          {e.message}
        </p>
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose} data-testid="plan-close">
            Close
          </button>
        </div>
      </>
    );
  }

  const typedOk = p.confirmation === "click" || typed.trim() === p.confirmText;
  const blocked = p.blockedReason !== null;
  const confirm = async () => {
    if (submitted.current || !typedOk || blocked) return;
    submitted.current = true;
    setBusy(true);
    setError(null);
    try {
      const started = await api.executeAction(p.planId, p.confirmation === "typedName" ? typed : null, onUpdate);
      onStarted(p, started);
    } catch (e) {
      const err = api.toApiError(e);
      setError(err);
      // A refused confirmation may be corrected; anything else needs a new plan.
      const final = err.code !== "ConfirmationMismatch";
      submitted.current = final;
      setSpent(final);
      setBusy(false);
    }
  };

  return (
    <>
      <h2 id="action-dialog-title" data-testid="plan-title">
        {p.title}
      </h2>
      <dl className="where" data-testid="plan-where">
        <dt>Account</dt>
        <dd>
          {p.accountName !== null ? `${p.accountName} (${p.accountId})` : p.accountId}{" "}
          <PartitionBadge partition={p.partition} testId="plan-partition" />
        </dd>
        <dt>Region</dt>
        <dd>{p.region}</dd>
        <dt>Cluster</dt>
        <dd>{p.cluster}</dd>
        <dt>Service</dt>
        <dd data-testid="plan-service">{p.service}</dd>
        <dt>You act as</dt>
        <dd>
          {p.user}
          {p.role !== null && <span className="muted"> with role {p.role}</span>}
        </dd>
      </dl>
      <div className={`risk risk-${p.risk}`} data-testid="plan-risk" data-risk={p.risk}>
        <strong>{riskLabel(p.risk)}</strong>
        <span data-testid="plan-risk-sentence">{p.riskSentence}</span>
      </div>
      <h3>What ECS will do</h3>
      <ol className="plan-steps" data-testid="plan-steps">
        {p.steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
      {p.notes.length > 0 && (
        <ul className="plan-notes" data-testid="plan-notes">
          {p.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {p.alternative !== null && (
        <div className="alternative" data-testid="plan-alternative">
          <strong>Recommended instead: {p.alternative.label}</strong>
          <p>{p.alternative.why}</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              void api.cancelAction(p.planId).catch(() => undefined);
              if (p.alternative !== null) onPlanOther(p.alternative.action);
            }}
            data-testid="plan-alternative-button"
          >
            Plan “{p.alternative.label}” instead
          </button>
        </div>
      )}
      {blocked ? (
        <p className="actions-blocked" data-testid="plan-blocked">
          {p.blockedReason}
        </p>
      ) : p.confirmation === "typedName" ? (
        <label className="typed">
          <span>
            {p.protection.level === "typedConfirm" ? p.protection.reason : "This action is risky."} Type{" "}
            <code>{p.confirmText}</code> to confirm.
          </span>
          <input
            ref={inputRef}
            type="text"
            value={typed}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setTyped(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") void confirm();
            }}
            aria-label={`Type ${p.confirmText} to confirm`}
            data-testid="typed-confirmation"
          />
        </label>
      ) : null}
      {error !== null && (
        <p className="form-error" role="alert" data-testid="execute-error" data-code={error.code}>
          {error.message}
        </p>
      )}
      <div className="modal-actions">
        <span className="muted">This plan is valid until {formatTime(p.expiresAt)}.</span>
        <span className="toolbar-spacer" />
        <button type="button" className="button" onClick={cancel} data-testid="plan-cancel">
          {spent ? "Close" : "Cancel"}
        </button>
        <button
          type="button"
          className={p.risk === "danger" ? "button button-danger" : "button primary"}
          disabled={!typedOk || blocked || busy || spent}
          onClick={() => void confirm()}
          data-testid="plan-confirm"
        >
          {busy ? "Sending…" : confirmLabel(p.action)}
        </button>
      </div>
    </>
  );
}
