// Plain words for the guarded-action types (kept apart from the components so tests can use them).
import type { ActionRequest, ProtectionLevel, RiskLevel, ServiceKind, StrategyKind, VerdictOutcome } from "../api";

/** How the service is scheduled, in words. */
export function schedulingLabel(kind: ServiceKind): string {
  return kind.scheduling === "daemon" ? "Daemon (one task on each instance)" : "Replica (a set number of tasks)";
}

/** How ECS itself deploys, in words. */
const STRATEGY_WORDS: Record<StrategyKind, string> = {
  rolling: "ECS (rolling update)",
  blueGreen: "ECS (blue/green)",
  linear: "ECS (linear traffic shift)",
  canary: "ECS (canary)",
};

/** Who deploys the service, in words. */
export function controllerLabel(kind: ServiceKind, strategy: StrategyKind = "rolling"): string {
  switch (kind.controller) {
    case "ecs":
      return STRATEGY_WORDS[strategy];
    case "codeDeploy":
      return "AWS CodeDeploy (blue/green)";
    case "external":
      return "An external tool (task sets)";
  }
}

/** The risk as a short label. */
export function riskLabel(risk: RiskLevel): string {
  switch (risk) {
    case "safe":
      return "Low risk";
    case "caution":
      return "Caution";
    case "danger":
      return "Downtime risk";
  }
}

/** The protection level in words. */
export function protectionLabel(level: ProtectionLevel): string {
  switch (level) {
    case "confirm":
      return "Confirm";
    case "typedConfirm":
      return "Type the service name";
    case "readOnly":
      return "Read-only (no actions)";
  }
}

/** A verdict outcome as a short label. */
export function outcomeLabel(outcome: VerdictOutcome): string {
  switch (outcome) {
    case "completed":
      return "Done";
    case "failed":
      return "Failed";
    case "rolledBack":
      return "Rolled back";
    case "timedOut":
      return "Still in progress";
    case "stoppedWatching":
      return "Stopped watching";
    case "error":
      return "Lost track";
    case "paused":
      return "Paused";
    case "overridden":
      return "Changed again";
  }
}

/** Whether an outcome is good news. */
export function outcomeTone(outcome: VerdictOutcome): "good" | "warn" | "bad" {
  if (outcome === "completed") return "good";
  if (outcome === "failed" || outcome === "error") return "bad";
  return "warn";
}

/** The confirm button's label for an action. */
export function confirmLabel(action: ActionRequest): string {
  switch (action.kind) {
    case "forceNewDeployment":
      return "Restart now";
    case "stopTask":
      return "Stop the task";
    case "setDesiredCount":
      return `Scale to ${action.desired}`;
    case "rollback":
      return `Deploy revision ${action.revision}`;
    case "rollBackDeployment":
      return "Roll back now";
    case "continueDeployment":
      return "Continue the deployment";
  }
}

/** "42 s", "3 min 5 s". */
export function duration(secs: number): string {
  if (secs < 60) return `${secs} s`;
  const m = Math.floor(secs / 60);
  const s = secs % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/** An audit action name in words. */
export function actionName(action: string): string {
  switch (action) {
    case "forceNewDeployment":
      return "Restart (force new deployment)";
    case "stopTask":
      return "Stop task";
    case "setDesiredCount":
      return "Scale";
    case "rollback":
      return "Roll back / deploy revision";
    case "rollBackDeployment":
      return "Roll back a deployment in progress";
    case "continueDeployment":
      return "Continue a paused deployment";
    case "setProtection":
      return "Change protection";
    default:
      return action;
  }
}

/** An audit result or verdict in words. */
export function resultName(result: string): string {
  const names: Record<string, string> = {
    started: "Started (no verdict yet)",
    cancelled: "Cancelled",
    denied: "Denied by AWS",
    failed: "Failed",
    refused: "Refused by ECS Desk",
    changed: "Changed",
    completed: "Done",
    rolledBack: "Rolled back",
    paused: "Paused, waiting for someone",
    timedOut: "Still in progress at the time limit",
    stoppedWatching: "Stopped watching",
    error: "Lost track",
    overridden: "Changed again by something else",
  };
  return names[result] ?? result;
}
