// Step 2 of the action dialog: the plan in plain words, then the confirmation (typing the service
// name when the plan asks) and the hand-over to the progress panel.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { ActionPlan, ActionRequest, ExecuteStarted, SessionInfo, WatchUpdate } from "../api";
import { PartitionBadge } from "../components/PartitionBadge";
import { DIALOG_CLOSE } from "../components/useDialog";
import { formatTime } from "../format";
import { usePlan } from "./queries";
import { confirmLabel, riskLabel } from "./words";

/** Step 2: the plan in plain words and the confirmation. */
export function PlanStep({
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
          <button type="button" className="button" onClick={onClose} data-testid="plan-close" {...DIALOG_CLOSE}>
            Close
          </button>
        </div>
      </>
    );
  }

  const typedOk = p.confirmation === "click" || typed.trim() === p.service;
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
            <code>{p.service}</code> to confirm.
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
            aria-label={`Type ${p.service} to confirm`}
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
        <button type="button" className="button" onClick={cancel} data-testid="plan-cancel" {...DIALOG_CLOSE}>
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
