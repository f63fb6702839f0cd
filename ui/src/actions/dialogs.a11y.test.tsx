// Modal dialogs: focus moves in, Tab stays inside, Escape closes as the Close/Cancel button does,
// and focus goes back to the button that opened the dialog. axe checks each dialog too.
import { invoke } from "@tauri-apps/api/core";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ActionPlan, AuditEntry } from "../api";
import { expectNoAxeViolations } from "../test/axe";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { restartPlan } from "../test/planFixtures";
import { ActionsPanel, type ActionStart } from "./ActionsPanel";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

const cluster = "coe-ecs-prod";
const service = "coe-etl-prod-Service";
const effective = { level: "confirm" as const, source: "default" as const, reason: "x" };

const plan: ActionPlan = {
  ...restartPlan,
  action: { kind: "setDesiredCount", desired: 2 },
  title: "Scale coe-etl-prod-Service to 2 tasks",
  steps: ["ECS starts 1 new task."],
  riskSentence: "No downtime expected.",
  protection: effective,
  confirmation: "click",
  summary: "Scale",
};

const entry: AuditEntry = {
  record: {
    time: "2024-05-01T10:00:05Z",
    event: "executed",
    planId: "p1",
    user: "operator",
    callerArn: "arn",
    partition: "aws-us-gov",
    accountId: "210987654321",
    role: null,
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

function Harness() {
  const [start, setStart] = useState<ActionStart | null>(null);
  return <ActionsPanel session={govSession} cluster={cluster} service={service} desired={1} revision={3} start={start} onStart={setStart} />;
}

function bridge(planned: () => ActionPlan = () => plan) {
  return fakeBridge(invoke, {
    get_protection: () => ({ accountId: "210987654321", cluster, effective, accountLevel: null, clusterLevel: null }),
    get_action_status: () => null,
    plan_action: planned,
    cancel_action: () => null,
    list_audit: () => ({ entries: [entry], skipped: 0 }),
  });
}

describe("dialogs", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("the action dialog takes the focus, traps Tab, passes axe, and Escape cancels back to the opener", async () => {
    bridge();
    renderWithClient(<Harness />);
    const opener = await screen.findByTestId("action-scale");
    await waitFor(() => {
      expect((opener as HTMLButtonElement).disabled).toBe(false);
    });
    await userEvent.click(opener);
    const dialog = within(screen.getByTestId("action-dialog")).getByRole("dialog");
    const input = screen.getByTestId("scale-input");
    expect(document.activeElement).toBe(input);
    expect(dialog.getAttribute("aria-labelledby")).toBe("action-dialog-title");
    await expectNoAxeViolations(dialog);

    // Cancel and Review (disabled until the count changes): Tab cycles input → Cancel → input.
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByTestId("details-cancel"));
    await userEvent.tab();
    expect(document.activeElement).toBe(input);
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByTestId("details-cancel"));

    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("action-dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("Escape on the plan step cancels the plan (recorded) like its Cancel button", async () => {
    const calls = bridge();
    renderWithClient(<Harness />);
    const opener = await screen.findByTestId("action-scale");
    await waitFor(() => {
      expect((opener as HTMLButtonElement).disabled).toBe(false);
    });
    await userEvent.click(opener);
    await userEvent.clear(screen.getByTestId("scale-input"));
    await userEvent.type(screen.getByTestId("scale-input"), "2");
    await userEvent.click(screen.getByTestId("details-next"));
    await screen.findByTestId("plan-title");
    // The Review button went away with its step; the focus stays in the dialog.
    expect(screen.getByTestId("action-dialog").contains(document.activeElement)).toBe(true);
    await expectNoAxeViolations(screen.getByTestId("action-dialog"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("action-dialog")).toBeNull();
    expect(calls.some((c) => c.command === "cancel_action")).toBe(true);
    expect(document.activeElement).toBe(opener);
  });

  it("Escape does nothing while the plan is being worked out (there is no Close button yet)", async () => {
    bridge(() => new Promise<never>(() => undefined) as unknown as ActionPlan);
    renderWithClient(<Harness />);
    const opener = await screen.findByTestId("action-restart");
    await waitFor(() => {
      expect((opener as HTMLButtonElement).disabled).toBe(false);
    });
    await userEvent.click(opener);
    expect(screen.getByTestId("action-dialog").textContent).toContain("Working out what will happen");
    expect(document.activeElement).toBe(within(screen.getByTestId("action-dialog")).getByRole("dialog"));
    await userEvent.keyboard("{Escape}");
    expect(screen.getByTestId("action-dialog")).toBeTruthy();
  });

  it("the audit log passes axe, traps Tab, and Escape closes it back to its button", async () => {
    bridge();
    renderWithClient(<Harness />);
    const opener = await screen.findByTestId("open-audit");
    await userEvent.click(opener);
    await screen.findAllByTestId("audit-row");
    const dialog = within(screen.getByTestId("audit-dialog")).getByRole("dialog");
    expect(document.activeElement).toBe(screen.getByTestId("audit-filter"));
    await expectNoAxeViolations(dialog);
    screen.getByTestId("audit-close").focus();
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByTestId("audit-filter"));
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByTestId("audit-close"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("audit-dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
