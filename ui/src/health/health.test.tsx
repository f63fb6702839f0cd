import { invoke } from "@tauri-apps/api/core";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DeploymentHistory, DeploymentStrategy, LogLine, RenderedChart, RevisionSide, ServiceHealth, StoppedTask } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { nearestPoint, formatValue, Chart } from "./Chart";
import { HealthBanner } from "./HealthBanner";
import { HealthTabs } from "./HealthTabs";
import { LogList, ROW_HEIGHT, visibleRange } from "./LogList";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: vi.fn() }));

const side = (arn: string, td: string, image: string, production: number, running: number): RevisionSide => ({
  arn,
  taskDefinition: td,
  images: [{ container: "api", image, digest: `sha256:${td.length}abc` }],
  registeredBy: "arn:aws:sts::1:assumed-role/ci/pipeline",
  requested: 2,
  running,
  pending: 0,
  productionPercent: production,
  testPercent: null,
});

const linear: DeploymentStrategy = { kind: "linear", bakeMinutes: 5, canaryPercent: null, canaryMinutes: null, stepPercent: 25, stepMinutes: 2, pauses: [] };

const pausedHistory: DeploymentHistory = {
  available: true,
  note: null,
  strategy: { ...linear, pauses: [{ stages: ["POST_TEST_TRAFFIC_SHIFT"], timeoutMinutes: 120, timeoutAction: "ROLLBACK" }] },
  strategyWords: "Linear: traffic moves 25 % every 2 minutes; the old tasks stay ready for 5 minutes of bake time.",
  deployments: [
    {
      arn: "arn:sd/new",
      status: "IN_PROGRESS",
      statusReason: null,
      stage: "POST_TEST_TRAFFIC_SHIFT",
      stageWords: "test traffic on the new tasks",
      createdAt: "2026-01-01T10:00:00Z",
      startedAt: "2026-01-01T10:00:00Z",
      finishedAt: null,
      stoppedAt: null,
      updatedAt: "2026-01-01T10:02:00Z",
      source: [side("arn:rev/3", "search:3", "repo/search:3", 100, 2)],
      target: side("arn:rev/4", "search:4", "repo/search:4", 0, 2),
      strategy: linear,
      rollbackReason: null,
      rolledBackTo: null,
      breaker: null,
      triggeredAlarms: [],
      hooks: [{ hookId: "hook-1", targetType: "PAUSE", status: "AWAITING_ACTION", expiresAt: "2026-01-01T12:02:00Z", timeoutAction: "ROLLBACK" }],
      outcome: "Paused (test traffic on the new tasks): waiting for someone to continue or roll back.",
    },
    {
      arn: "arn:sd/old",
      status: "SUCCESSFUL",
      statusReason: null,
      stage: null,
      stageWords: null,
      createdAt: "2025-12-28T10:00:00Z",
      startedAt: "2025-12-28T10:00:00Z",
      finishedAt: "2025-12-28T10:20:00Z",
      stoppedAt: null,
      updatedAt: "2025-12-28T10:20:00Z",
      source: [side("arn:rev/2", "search:2", "repo/search:2", 0, 0)],
      target: side("arn:rev/3", "search:3", "repo/search:3", 100, 2),
      strategy: linear,
      rollbackReason: null,
      rolledBackTo: null,
      breaker: null,
      triggeredAlarms: [],
      hooks: [],
      outcome: "Deployed search:3.",
    },
  ],
};

const red: ServiceHealth = {
  service: "reports-staging-Service",
  level: "red",
  summary: "Tasks are running out of memory: 2 tasks stopped recently (and 1 more finding)",
  reasons: [
    { level: "red", check: "stoppedTasks", text: "Tasks are running out of memory: 2 tasks stopped recently" },
    { level: "amber", check: "memory", text: "Memory is at 91 %, above the 80 % limit." },
  ],
  notes: [],
  full: true,
  latest: null,
  thresholds: { cpuPercent: 70, memoryPercent: 80, errorRatePercent: 1, responseTimeMs: 500 },
};

const chart: RenderedChart = {
  id: "cpu",
  title: "CPU utilization",
  unit: "%",
  svg: "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
  series: [
    { name: "average", color: "#2563eb", points: [[0, 10], [60, 20], [120, 30]] },
    { name: "maximum", color: "#ea580c", points: [[0, 15], [60, 25], [120, 35]] },
  ],
  plot: { left: 50, top: 20, width: 100, height: 100 },
  xRange: [0, 120],
  yRange: [0, 100],
  threshold: 70,
  empty: false,
};

const oom: StoppedTask = {
  id: "abc",
  arn: "arn:aws:ecs:us-east-1:123456789012:task/coe-ecs-staging/abc",
  taskDefinition: "reports-staging:2",
  startedAt: null,
  stoppedAt: "2026-01-01T00:00:00Z",
  stopCode: "EssentialContainerExited",
  stoppedReason: "Essential container in task exited",
  containers: [
    { name: "reports", image: null, lastStatus: "STOPPED", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage", healthStatus: null },
  ],
  lastLines: ["ERROR java.lang.OutOfMemoryError: Java heap space", "Killed"],
  diagnosis: { cause: "outOfMemory", title: "Ran out of memory", advice: "Raise the task memory, or fix a memory leak." },
};

function lines(n: number): LogLine[] {
  return Array.from({ length: n }, (_, i) => ({ eventId: `e${i}`, timestamp: i * 1000, stream: "ecs/api/1", message: `INFO line ${i}` }));
}

describe("service health views", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("shows the roll-up colour, sentence and every finding", async () => {
    fakeBridge(invoke, { service_health: () => red });
    renderWithClient(<HealthBanner session={govSession} cluster="coe-ecs-staging" service="reports-staging-Service" />);
    await waitFor(() => {
      expect(screen.getByTestId("health-banner").getAttribute("data-level")).toBe("red");
    });
    expect(screen.getByTestId("health-summary").textContent).toContain("out of memory");
    const reasons = screen.getByTestId("health-reasons").querySelectorAll("li");
    expect(reasons).toHaveLength(2);
    expect(reasons[1]?.getAttribute("data-check")).toBe("memory");
    expect(screen.getByTestId("updated-ago").textContent).toMatch(/Updated|Refreshing/);
  });

  it("reads out the values under the cursor", () => {
    renderWithClient(<Chart chart={chart} width={200} height={140} />);
    const canvas = screen.getByTestId("chart-canvas-cpu");
    fireEvent.mouseMove(canvas, { clientX: 100 });
    const readout = screen.getByTestId("chart-readout-cpu");
    expect(readout.textContent).toContain("average: 20.0 %");
    expect(readout.textContent).toContain("maximum: 25.0 %");
    fireEvent.mouseLeave(canvas);
    expect(screen.queryByTestId("chart-readout-cpu")).toBeNull();
    expect(nearestPoint([], 5)).toBeNull();
    expect(nearestPoint([[0, 1], [10, 2], [20, 3]], 14)).toEqual([10, 2]);
    expect(formatValue(512.3, "ms")).toBe("512 ms");
  });

  it("opens the stopped tasks tab with the diagnosis and exit codes", async () => {
    const calls = fakeBridge(invoke, { stopped_tasks: () => [oom] });
    renderWithClient(<HealthTabs session={govSession} cluster="coe-ecs-staging" service="reports-staging-Service" />);
    await userEvent.click(screen.getByTestId("health-tab-stopped"));
    expect((await screen.findByTestId("diagnosis-title")).textContent).toBe("Ran out of memory");
    expect(screen.getByTestId("container-exit").textContent).toContain("exit code 137");
    expect(screen.getByTestId("last-lines").textContent).toContain("Java heap space");
    expect(calls.filter((c) => c.command === "stopped_tasks")).toHaveLength(1);
    expect(calls.some((c) => c.command === "log_sources")).toBe(false);
  });

  it("glosses events and diffs revisions", async () => {
    fakeBridge(invoke, {
      service_events: () => [
        { id: "1", createdAt: "2026-01-01T00:00:00Z", message: "(service x) has reached a steady state.", kind: "steadyState", gloss: "All is well.", problem: false },
      ],
      service_deployments: () => ({
        deployments: [],
        circuitBreaker: { enabled: true, rollback: true },
        taskDefinition: "coe-etl-prod:3",
        previousTaskDefinition: "coe-etl-prod:2",
        history: { ...pausedHistory, deployments: [] },
      }),
      task_definition_diff: (a) => {
        expect(a).toMatchObject({ from: "coe-etl-prod:2", to: "coe-etl-prod:3" });
        return { from: "coe-etl-prod:2", to: "coe-etl-prod:3", changes: [{ container: "api", field: "environment", before: null, after: "MEDIA_URL" }] };
      },
    });
    renderWithClient(<HealthTabs session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    await userEvent.click(screen.getByTestId("health-tab-events"));
    expect((await screen.findByTestId("event-gloss")).textContent).toBe("All is well.");
    await userEvent.click(screen.getByTestId("health-tab-deployments"));
    const row = await screen.findByTestId("diff-row");
    expect(row.textContent).toContain("MEDIA_URL");
    expect(screen.getByTestId("circuit-breaker").textContent).toContain("automatic rollback");
  });

  it("shows the deployment in progress with its traffic split and pause, and offers continue and roll back", async () => {
    fakeBridge(invoke, {
      service_deployments: () => ({ deployments: [], circuitBreaker: null, taskDefinition: "search:4", previousTaskDefinition: "search:3", history: pausedHistory }),
      task_definition_diff: () => ({ from: "search:3", to: "search:4", changes: [] }),
    });
    const onAction = vi.fn();
    renderWithClient(<HealthTabs session={govSession} cluster="release-strategies" service="search-linear-Service" onAction={onAction} />);
    await userEvent.click(screen.getByTestId("health-tab-deployments"));
    const current = await screen.findByTestId("current-deployment");
    expect(current.getAttribute("data-stage")).toBe("POST_TEST_TRAFFIC_SHIFT");
    expect(screen.getByTestId("traffic-split").textContent).toContain("Old (search:3): 100 % of production traffic");
    expect(screen.getByTestId("pause-hook").textContent).toContain("ECS will roll back by itself");
    expect(screen.getByTestId("deployment-strategy").textContent).toContain("Linear");
    const rows = screen.getAllByTestId("history-row");
    expect(rows).toHaveLength(2);
    // Only the tag moved: said short, with the full image names on hover.
    expect(rows[1]?.textContent).toContain("api: search 2 → 3");
    expect(rows[1]?.querySelector("[title]")?.getAttribute("title")).toBe("api: repo/search:2 → repo/search:3");
    await userEvent.click(screen.getByTestId("deployment-continue"));
    expect(onAction).toHaveBeenLastCalledWith({ kind: "continueDeployment", deployment: "arn:sd/new", hook: "hook-1" });
    await userEvent.click(screen.getByTestId("deployment-rollback"));
    expect(onAction).toHaveBeenLastCalledWith({ kind: "rollBackDeployment", deployment: "arn:sd/new" });
  });

  it("windows a 50,000-line log list", () => {
    renderWithClient(<LogList lines={lines(50_000)} height={400} />);
    const list = screen.getByTestId("log-list");
    const drawn = screen.getAllByTestId("log-line").length;
    expect(drawn).toBeLessThan(100);
    expect(list.getAttribute("data-count")).toBe("50000");
    expect(visibleRange(20_000 * ROW_HEIGHT, 400, 50_000)).toEqual([19_980, 20_040]);
    expect(visibleRange(0, 400, 10)).toEqual([0, 10]);
  });
});
