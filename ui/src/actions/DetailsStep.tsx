// Step 1 of the action dialog for actions that need details first: scale, roll back, stop a task.
import { useState } from "react";
import * as api from "../api";
import type { ActionRequest, SessionInfo } from "../api";
import { DIALOG_CLOSE } from "../components/useDialog";
import { formatTime } from "../format";
import type { ActionStart } from "./ActionDialog";
import { useRevisions } from "./queries";

/** Step 1 for actions that need details: the new count, the revision, or the reason. */
export function DetailsStep({
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
    case "rollBackDeployment":
    case "continueDeployment":
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
        <button type="button" className="button" onClick={onClose} data-testid="details-cancel" {...DIALOG_CLOSE}>
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
