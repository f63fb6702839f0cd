import { invoke } from "@tauri-apps/api/core";
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ActionPlan, AuditEntry, ProtectionView, WatchUpdate } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { restartPlan } from "../test/planFixtures";
import { ActionsPanel, type ActionStart } from "./ActionsPanel";
import { AuditLog } from "./AuditLog";
import { useState } from "react";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  // The bridge's progress channel: tests call `onmessage` as the Rust side would.
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

const cluster = "coe-ecs-prod";
const service = "coe-etl-prod-Service";

const protection = (level: "confirm" | "typedConfirm" | "readOnly", reason: string): ProtectionView => ({
  accountId: "210987654321",
  cluster,
  effective: { level, source: "default", reason },
  accountLevel: null,
  clusterLevel: level === "readOnly" ? "readOnly" : null,
});


const update = (over: Partial<WatchUpdate>): WatchUpdate => ({
  planId: "p1",
  service,
  at: "2024-05-01T10:00:10Z",
  elapsedSecs: 10,
  phase: "Starting new tasks: 0 of 1 running, 0 healthy.",
  stage: null,
  newTrafficPercent: null,
  desired: 1,
  newRunning: 0,
  newHealthy: 0,
  oldRunning: 1,
  oldDraining: 0,
  failedTasks: 0,
  healthyTargets: 1,
  totalTargets: 2,
  hasLoadBalancer: true,
  targets: [{ id: "10.0.1.23", port: 5000, state: "healthy", reason: null, taskId: "abc", isNew: false }],
  rolloutState: "IN_PROGRESS",
  events: [],
  verdict: null,
  ...over,
});

function Harness({ initial = null }: { initial?: ActionStart | null }) {
  const [start, setStart] = useState<ActionStart | null>(initial);
  return (
    <ActionsPanel session={govSession} cluster={cluster} service={service} desired={1} revision={3} start={start} onStart={setStart} />
  );
}

describe("guarded actions", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("restarts only after the service name is typed, then follows progress to a verdict that stays", async () => {
    let channel: { onmessage: (u: WatchUpdate) => void } | undefined;
    const calls = fakeBridge(invoke, {
      get_protection: () => protection("typedConfirm", "The cluster name contains “prod”."),
      get_action_status: () => null,
      plan_action: () => restartPlan,
      execute_action: (a) => {
        channel = a.channel as typeof channel;
        return { planId: "p1", deploymentId: "ecs-svc/123", startedAt: "2024-05-01T10:00:05Z" };
      },
    });
    renderWithClient(<Harness />);
    await userEvent.click(await screen.findByTestId("action-restart"));
    expect((await screen.findByTestId("plan-title")).textContent).toBe(restartPlan.title);
    expect(screen.getByTestId("plan-partition").textContent).toBe("GovCloud");
    expect(screen.getByTestId("plan-risk").dataset.risk).toBe("safe");
    expect(screen.getByTestId("plan-risk-sentence").textContent).toContain("No downtime expected");
    const confirm = screen.getByTestId<HTMLButtonElement>("plan-confirm");
    expect(confirm.disabled).toBe(true);
    await userEvent.type(screen.getByTestId("typed-confirmation"), "coe-etl-prod");
    expect(confirm.disabled).toBe(true);
    await userEvent.type(screen.getByTestId("typed-confirmation"), "-Service");
    expect(confirm.disabled).toBe(false);
    await userEvent.click(confirm);
    await waitFor(() => {
      expect(screen.queryByTestId("action-dialog")).toBeNull();
    });
    const exec = calls.filter((c) => c.command === "execute_action");
    expect(exec).toHaveLength(1);
    expect(exec[0]?.args.typedConfirmation).toBe("coe-etl-prod-Service");
    expect(screen.getByTestId("action-progress")).toBeTruthy();
    expect(screen.getByTestId<HTMLButtonElement>("action-restart").disabled).toBe(true);

    act(() => {
      channel?.onmessage(update({ newRunning: 1, newHealthy: 1, oldDraining: 1, oldRunning: 0, phase: "New tasks are healthy; stopping the old ones (1 left)." }));
    });
    expect(screen.getByTestId("progress-phase").textContent).toContain("stopping the old ones");
    expect(screen.getByTestId("progress-new").textContent).toBe("1 of 1");
    expect(screen.getByTestId("progress-draining").textContent).toBe("1");

    act(() => {
      channel?.onmessage(
        update({
          newRunning: 1,
          newHealthy: 1,
          oldRunning: 0,
          elapsedSecs: 95,
          verdict: {
            outcome: "completed",
            headline: "coe-etl-prod-Service is steady: 1 task of coe-etl-prod:3 running and healthy.",
            detail: "A healthy target served traffic the whole time.",
            deploymentId: "ecs-svc/123",
            finishedAt: "2024-05-01T10:01:40Z",
            elapsedSecs: 95,
            zeroHealthySeen: false,
          },
        }),
      );
    });
    expect(screen.getByTestId("verdict").dataset.outcome).toBe("completed");
    expect(screen.getByTestId("verdict-label").textContent).toBe("Done after 1 min 35 s");
    expect(screen.getByTestId<HTMLButtonElement>("action-restart").disabled).toBe(false);
  });

  it("read-only protection disables the buttons and says why", async () => {
    fakeBridge(invoke, {
      get_protection: () => protection("readOnly", "Protection for cluster coe-ecs-prod is set to read-only."),
      get_action_status: () => null,
    });
    renderWithClient(<Harness />);
    await screen.findByTestId("protection-level");
    expect(screen.getByTestId<HTMLButtonElement>("action-restart").disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>("action-scale").disabled).toBe(true);
    expect(screen.getByTestId("actions-disabled-reason").textContent).toContain("set to read-only");
    expect(screen.getByTestId("protection-level").textContent).toBe("Read-only (no actions)");
  });

  it("does not offer what ECS refuses for this kind of service, and says why", async () => {
    fakeBridge(invoke, {
      get_protection: () => protection("confirm", "Confirm every action."),
      get_action_status: () => null,
    });
    const codeDeploy = "AWS CodeDeploy deploys this service (blue/green), and ECS refuses a new deployment from anywhere else.";
    renderWithClient(
      <ActionsPanel
        session={govSession}
        cluster={cluster}
        service={service}
        desired={2}
        revision={3}
        limits={{ restart: codeDeploy, rollback: codeDeploy, scale: null }}
        start={null}
        onStart={() => undefined}
      />,
    );
    await screen.findByTestId("protection-level");
    expect(screen.getByTestId<HTMLButtonElement>("action-restart").disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>("action-rollback").disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>("action-scale").disabled).toBe(false);
    const limits = screen.getByTestId("actions-limits");
    expect(limits.querySelectorAll("li")).toHaveLength(1);
    expect(limits.textContent).toContain("Restart or roll back is not offered.");
    expect(limits.textContent).toContain("AWS CodeDeploy deploys this service");
  });

  it("stopping the only task shows the downtime, the safer restart, and cancelling is recorded", async () => {
    const stopPlan: ActionPlan = {
      ...restartPlan,
      planId: "p2",
      action: { kind: "stopTask", task: "abc", reason: "hung" },
      title: "Stop task abc of coe-etl-prod-Service",
      risk: "danger",
      riskSentence: "This is the only running task: the service will be down for up to 5 minutes.",
      downtimeExpected: true,
      alternative: { action: { kind: "forceNewDeployment" }, label: "Restart (force new deployment)", why: "No downtime." },
    };
    const calls = fakeBridge(invoke, {
      get_protection: () => protection("typedConfirm", "prod"),
      get_action_status: () => null,
      plan_action: (a) => ((a.action as { kind: string }).kind === "stopTask" ? stopPlan : restartPlan),
      cancel_action: () => null,
    });
    renderWithClient(<Harness initial={{ kind: "stopTask", task: "abc" }} />);
    const next = await screen.findByTestId<HTMLButtonElement>("details-next");
    expect(next.disabled).toBe(true);
    await userEvent.type(screen.getByTestId("stop-reason"), "hung");
    await userEvent.click(next);
    expect((await screen.findByTestId("plan-risk")).dataset.risk).toBe("danger");
    expect(screen.getByTestId("plan-risk-sentence").textContent).toBe(
      "This is the only running task: the service will be down for up to 5 minutes.",
    );
    expect(screen.getByTestId("plan-confirm").className).toContain("button-danger");
    expect(screen.getByTestId("plan-alternative").textContent).toContain("Restart (force new deployment)");
    const plan = calls.find((c) => c.command === "plan_action");
    expect(plan?.args.action).toEqual({ kind: "stopTask", task: "abc", reason: "hung" });

    await userEvent.click(screen.getByTestId("plan-alternative-button"));
    expect((await screen.findByTestId("plan-title")).textContent).toBe(restartPlan.title);
    expect(calls.filter((c) => c.command === "cancel_action").map((c) => c.args.planId)).toEqual(["p2"]);
    await userEvent.click(screen.getByTestId("plan-cancel"));
    expect(calls.filter((c) => c.command === "cancel_action").map((c) => c.args.planId)).toEqual(["p2", "p1"]);
    expect(screen.queryByTestId("action-dialog")).toBeNull();
  });

  it("explains an access-denied answer and keeps the dialog open", async () => {
    fakeBridge(invoke, {
      get_protection: () => protection("typedConfirm", "prod"),
      get_action_status: () => null,
      plan_action: () => ({ ...restartPlan, confirmation: "click" }),
      execute_action: () => {
        throw {
          code: "AccessDeniedException",
          message: "Your role ReadOnlyAccess may view but not restart services: it lacks ecs:UpdateService.",
          retryable: false,
        };
      },
    });
    renderWithClient(<Harness initial={{ kind: "forceNewDeployment" }} />);
    await userEvent.click(await screen.findByTestId("plan-confirm"));
    const err = await screen.findByTestId("execute-error");
    expect(err.dataset.code).toBe("AccessDeniedException");
    expect(err.textContent).toBe("Your role ReadOnlyAccess may view but not restart services: it lacks ecs:UpdateService.");
    expect(screen.getByTestId<HTMLButtonElement>("plan-confirm").disabled).toBe(true);
    expect(screen.getByTestId("plan-cancel").textContent).toBe("Close");
    expect(screen.queryByTestId("action-progress")).toBeNull();
  });

  it("validates the scale count before planning", async () => {
    fakeBridge(invoke, { get_protection: () => protection("confirm", "x"), get_action_status: () => null });
    renderWithClient(<Harness initial={{ kind: "setDesiredCount", current: 1 }} />);
    const input = await screen.findByTestId("scale-input");
    await userEvent.clear(input);
    await userEvent.type(input, "101");
    expect(screen.getByTestId("details-problem").textContent).toBe("Choose a number of tasks from 0 to 100.");
    expect(screen.getByTestId<HTMLButtonElement>("details-next").disabled).toBe(true);
    await userEvent.clear(input);
    await userEvent.type(input, "0");
    expect(screen.getByTestId<HTMLButtonElement>("details-next").disabled).toBe(false);
  });

  it("lists the audit log with verdicts and exports CSV", async () => {
    const entry: AuditEntry = {
      record: {
        time: "2024-05-01T10:00:05Z",
        event: "executed",
        planId: "p1",
        user: "operator",
        callerArn: "arn",
        partition: "aws-us-gov",
        accountId: "210987654321",
        role: "OperatorAccess",
        region: "us-gov-east-1",
        cluster,
        service,
        action: "forceNewDeployment",
        parameters: {},
        planSummary: "Restart: no downtime",
        result: "started",
        message: null,
        deploymentId: "ecs-svc/1",
      },
      verdict: "completed",
      verdictMessage: "steady",
      verdictTime: "2024-05-01T10:01:40Z",
    };
    const calls = fakeBridge(invoke, {
      list_audit: () => ({ entries: [entry], skipped: 2 }),
      export_audit_csv: () => "/home/op/Downloads/ecsdesk-audit.csv",
    });
    renderWithClient(<AuditLog service={service} onClose={() => undefined} />);
    expect((await screen.findAllByTestId("audit-row")).length).toBe(1);
    expect(screen.getByTestId("audit-result").textContent).toContain("Done");
    expect(screen.getByTestId("audit-row").textContent).toContain("Restart (force new deployment)");
    expect(screen.getByTestId("audit-row").textContent).toContain("GovCloud");
    // Damaged lines of the file are counted where the user sees them, never dropped silently.
    expect(screen.getByTestId("audit-skipped").textContent).toContain("2 lines of the audit log are damaged");
    await userEvent.click(screen.getByTestId("audit-export"));
    expect((await screen.findByTestId("audit-exported")).textContent).toContain("ecsdesk-audit.csv");
    const filter = calls.find((c) => c.command === "list_audit")?.args.filter as { service: string | null };
    expect(filter.service).toBe(service);
  });
});
