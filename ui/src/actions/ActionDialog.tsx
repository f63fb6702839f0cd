// The guarded-action dialog: choose the details (count, revision, reason), read the plan in plain
// words, confirm (typing the service name when the plan asks), then hand over to the progress panel.
import { useEffect, useState } from "react";
import type { ActionPlan, ActionRequest, ExecuteStarted, SessionInfo, WatchUpdate } from "../api";
import { useDialog } from "../components/useDialog";
import { DetailsStep } from "./DetailsStep";
import { PlanStep } from "./PlanStep";
import "./actions.css";

/** What the user asked for before the details are filled in. */
export type ActionStart =
  | { kind: "forceNewDeployment" }
  | { kind: "stopTask"; task: string }
  | { kind: "setDesiredCount"; current: number }
  | { kind: "rollback"; current: number }
  | { kind: "rollBackDeployment"; deployment: string }
  | { kind: "continueDeployment"; deployment: string; hook: string };

/** The request of a start that needs no details (the plan comes straight away), else null. */
function direct(start: ActionStart): ActionRequest | null {
  switch (start.kind) {
    case "forceNewDeployment":
      return { kind: "forceNewDeployment" };
    case "rollBackDeployment":
      // The core decides whether the deployment waits at a pause hook.
      return { kind: "rollBackDeployment", deployment: start.deployment, hook: null };
    case "continueDeployment":
      return { kind: "continueDeployment", deployment: start.deployment, hook: start.hook };
    default:
      return null;
  }
}

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
  const [request, setRequest] = useState<ActionRequest | null>(() => direct(start));
  // Escape presses the step's Cancel/Close; while the plan is being worked out there is none.
  const dialog = useDialog();
  useEffect(() => {
    // The button that led to the next step is gone with its step: keep the focus in the dialog.
    if (dialog.current !== null && !dialog.current.contains(document.activeElement)) dialog.current.focus();
  }, [request, dialog]);
  return (
    <div className="modal-backdrop" data-testid="action-dialog">
      <div ref={dialog} tabIndex={-1} className="modal" role="dialog" aria-modal="true" aria-labelledby="action-dialog-title">
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
