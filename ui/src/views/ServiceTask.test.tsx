import { invoke } from "@tauri-apps/api/core";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { etlDetail, etlService, fakeBridge, govSession, renderWithClient, stoppedTask, taskDetail } from "../test/fixtures";
import { Service } from "./Service";
import { Services } from "./Services";
import { Task } from "./Task";

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

  it("shows deployments, events newest first, running tasks, and stopped tasks on request", async () => {
    const calls = fakeBridge(invoke, { get_service: () => etlDetail, list_tasks: () => [stoppedTask] });
    renderWithClient(<Service session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    await screen.findByTestId("deployments-table");
    expect(screen.getAllByTestId("deployment-row")).toHaveLength(1);
    const events = screen.getAllByTestId("event-item").map((e) => e.textContent);
    expect(events[0]).toContain("steady state");
    expect(events[2]).toContain("has started 1 tasks");
    expect(screen.getByTestId("service-load-balancers").textContent).toContain("coe-etl-prod-tg → api:443");
    expect(within(screen.getByTestId("tasks-table")).getByText("10.0.1.23")).toBeTruthy();
    expect(calls.some((c) => c.command === "list_tasks")).toBe(false);

    await userEvent.click(screen.getByTestId("show-stopped"));
    const stopped = await screen.findByTestId("stopped-tasks-table");
    expect(stopped.textContent).toContain("EssentialContainerExited");
    expect(stopped.textContent).toContain("OutOfMemoryError");
    expect(calls.find((c) => c.command === "list_tasks")?.args).toMatchObject({ desiredStatus: "STOPPED" });

    await userEvent.type(screen.getByTestId("events-filter"), "deployment");
    await waitFor(() => {
      expect(screen.getAllByTestId("event-item")).toHaveLength(1);
    });

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
