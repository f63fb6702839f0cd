import { invoke } from "@tauri-apps/api/core";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DeploymentHistory } from "../api";
import { etlDetail, etlService, fakeBridge, govSession, renderWithClient, stoppedTask, taskDetail } from "../test/fixtures";
import { Service } from "./Service";
import { Services } from "./Services";
import { Task } from "./Task";

const noHistory: DeploymentHistory = {
  available: false,
  note: "ECS's deployment history is not available in this region yet.",
  strategy: { kind: "rolling", bakeMinutes: 0, canaryPercent: null, canaryMinutes: null, stepPercent: null, stepMinutes: null, pauses: [] },
  strategyWords: "Rolling update: ECS replaces tasks a few at a time.",
  deployments: [],
};

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("Services, Service and Task views", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("shows running/desired, revision, last deployment and launch type per service", async () => {
    fakeBridge(invoke, { list_services: () => [etlService, { ...etlService, name: "short-Service", arn: "x", running: 0, desired: 2, pending: 1 }] });
    renderWithClient(<Services session={govSession} cluster="coe-ecs-prod" />);
    const row = await screen.findByTestId("service-row-coe-etl-prod-Service");
    expect(screen.getByTestId("service-running-coe-etl-prod-Service").textContent).toBe("1/1");
    expect(screen.getByTestId("service-taskdef-coe-etl-prod-Service").textContent).toContain("revision 3");
    expect(screen.getByTestId("service-deployment-coe-etl-prod-Service").textContent).toContain("Completed");
    expect(row.textContent).toContain("FARGATE");
    expect(screen.getByTestId("service-running-short-Service").className).toContain("warn-text");
  });

  it("shows deployments and events once (in the health tabs), the tasks below them, and stopped tasks on request", async () => {
    const calls = fakeBridge(invoke, {
      get_service: () => etlDetail,
      list_tasks: () => [stoppedTask],
      service_deployments: () => ({ deployments: etlDetail.deployments.map((d) => ({ ...d, revision: 3, circuitBreakerTripped: false })), circuitBreaker: null, taskDefinition: "coe-etl-prod:3", previousTaskDefinition: null, history: noHistory }),
      service_events: () => etlDetail.events.map((e) => ({ ...e, kind: "other" as const, gloss: null, problem: false })),
    });
    renderWithClient(<Service session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    const tasksTable = await screen.findByTestId("tasks-table");
    // The first UI pass's own deployments and events sections are gone: the tabs cover them.
    expect(screen.queryByTestId("deployments-table")).toBeNull();
    expect(screen.queryByTestId("events-list")).toBeNull();
    expect(screen.queryByTestId("events-filter")).toBeNull();
    // Reading order: banner, summary, actions, tabs, tasks.
    const order = ["health-banner", "service-facts", "health-tabs", "tasks-table"].map((id) => screen.getByTestId(id));
    order.reduce((before, after) => {
      expect(before.compareDocumentPosition(after) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      return after;
    });

    await userEvent.click(screen.getByTestId("health-tab-deployments"));
    await screen.findByTestId("health-deployments-table");
    expect(screen.getAllByTestId("health-deployment-row")).toHaveLength(1);
    await userEvent.click(screen.getByTestId("health-tab-events"));
    await screen.findByTestId("health-events-list");
    const events = screen.getAllByTestId("health-event").map((e) => e.textContent);
    expect(events[0]).toContain("steady state");
    expect(events[2]).toContain("has started 1 tasks");

    expect(screen.getByTestId("service-load-balancers").textContent).toContain("coe-etl-prod-tg → api:443");
    expect(within(tasksTable).getByText("10.0.1.23")).toBeTruthy();
    expect(calls.some((c) => c.command === "list_tasks")).toBe(false);

    await userEvent.click(screen.getByTestId("show-stopped"));
    const stopped = await screen.findByTestId("stopped-tasks-table");
    expect(stopped.textContent).toContain("EssentialContainerExited");
    expect(stopped.textContent).toContain("OutOfMemoryError");
    expect(calls.find((c) => c.command === "list_tasks")?.args).toMatchObject({ desiredStatus: "STOPPED" });

    await userEvent.click(within(screen.getByTestId("tasks-table")).getByTestId("task-link"));
    expect(window.location.hash).toBe("#/s/s-gov/c/coe-ecs-prod/s/coe-etl-prod-Service/t/0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  });

  it("shows task status, health, IP, revision and container exit codes", async () => {
    fakeBridge(invoke, { get_task: () => taskDetail });
    renderWithClient(<Task session={govSession} cluster="coe-ecs-prod" taskId={taskDetail.summary.id} />);
    expect((await screen.findByTestId("task-status")).getAttribute("data-value")).toBe("RUNNING");
    expect(screen.getByTestId("task-health").getAttribute("data-value")).toBe("HEALTHY");
    expect(screen.getByTestId("task-private-ip").textContent).toBe("10.0.1.23");
    expect(screen.getByTestId("task-taskdef-revision").getAttribute("data-revision")).toBe("3");
    expect(screen.getByTestId("task-stop-code").textContent).toBe("—");
    expect(screen.getByTestId("container-exit-init").textContent).toBe("137");
    expect(screen.getByTestId("container-exit-init").className).toContain("bad-text");
    expect(screen.getByTestId("container-exit-api").textContent).toBe("—");
  });

  it("keeps an AccessDenied on the task page inside that view", async () => {
    fakeBridge(invoke, {
      get_task: () => {
        throw { code: "AccessDeniedException", message: "Your role may not read this task.", retryable: false };
      },
    });
    renderWithClient(<Task session={govSession} cluster="coe-ecs-prod" taskId="t1" />);
    const panel = await screen.findByTestId("error-panel");
    expect(panel.getAttribute("data-code")).toBe("AccessDeniedException");
    expect(screen.getByTestId("task-view").contains(panel)).toBe(true);
  });
});
