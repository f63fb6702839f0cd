// The health tabs per the WAI-ARIA tabs pattern, and every tab (logs included) checked by axe.
import { invoke } from "@tauri-apps/api/core";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { LogLine } from "../api";
import { expectNoAxeViolations } from "../test/axe";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { HealthTabs, tabKeyTarget } from "./HealthTabs";
import { LogList } from "./LogList";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

const lines: LogLine[] = Array.from({ length: 5 }, (_, i) => ({ eventId: `e${i}`, timestamp: i * 1000, stream: "ecs/api/1", message: `INFO line ${i}` }));
const IDS = ["metrics", "deployments", "events", "targets", "alarms", "scaling", "changes", "stopped", "logs", "insights"];
const LAST = "insights";

function bridge() {
  fakeBridge(invoke, {
    service_events: () => [
      { id: "1", createdAt: "2026-01-01T00:00:00Z", message: "(service x) has reached a steady state.", kind: "steadyState", gloss: "All is well.", problem: false },
    ],
    stopped_tasks: () => [],
    service_alarms: () => [],
    target_health: () => [],
    log_sources: () => [{ container: "api", group: "/ecs/coe-etl-prod", streamPrefix: "ecs", region: null }],
    log_recent: () => lines,
    service_scaling: () => ({ limits: null, desired: 1, policies: [], scheduled: [], activities: [], warnings: [], suspended: [] }),
    service_changes: () => ({ changes: [], more: null, scanned: 0, completeSince: null }),
    insights_queries: () => [{ name: "Errors by message", query: "filter @message like /ERROR/", origin: "ready", logGroups: [] }],
  });
}

const tab = (id: string) => screen.getByTestId(`health-tab-${id}`);

describe("health tabs accessibility", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
    localStorage.clear();
    sessionStorage.clear();
  });

  it("links tabs and panel, keeps one Tab stop and moves with arrows, Home and End", () => {
    bridge();
    renderWithClient(<HealthTabs session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    const list = screen.getByRole("tablist");
    expect(list.getAttribute("aria-label")).toBe("Service health");
    const panel = screen.getByRole("tabpanel");
    expect(panel.tabIndex).toBe(0);
    expect(IDS.map((id) => tab(id).tabIndex)).toEqual(IDS.map((_, i) => (i === 0 ? 0 : -1)));
    expect(tab("metrics").getAttribute("aria-controls")).toBe(panel.id);
    expect(panel.getAttribute("aria-labelledby")).toBe(tab("metrics").id);

    tab("metrics").focus();
    fireEvent.keyDown(tab("metrics"), { key: "ArrowRight" });
    expect(tab("deployments").getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(tab("deployments"));
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("health-tab-deployments");
    fireEvent.keyDown(tab("deployments"), { key: "End" });
    expect(document.activeElement).toBe(tab(LAST));
    fireEvent.keyDown(tab(LAST), { key: "ArrowRight" });
    expect(document.activeElement).toBe(tab("metrics"));
    fireEvent.keyDown(tab("metrics"), { key: "ArrowLeft" });
    expect(document.activeElement).toBe(tab(LAST));
    fireEvent.keyDown(tab(LAST), { key: "Home" });
    expect(document.activeElement).toBe(tab("metrics"));
    expect(IDS.map((id) => tab(id).tabIndex)).toEqual(IDS.map((_, i) => (i === 0 ? 0 : -1)));

    expect(tabKeyTarget("ArrowLeft", 0, 7)).toBe(6);
    expect(tabKeyTarget("x", 0, 7)).toBeNull();
  });

  it("has no serious axe violation on any tab", async () => {
    bridge();
    const { container } = renderWithClient(<HealthTabs session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    for (const id of IDS) {
      await userEvent.click(tab(id));
      await screen.findByTestId(`health-panel-${id}`);
      // Let the tab's queries settle (answered or failed) before checking.
      await waitFor(() => {
        expect(screen.queryByTestId("loading")).toBeNull();
      });
      if (id === "logs") await waitFor(() => { expect(screen.getByTestId("log-list").dataset.count).toBe("5"); });
      await expectNoAxeViolations(container);
    }
  });

  it("makes the log lines a named, focusable log region", async () => {
    renderWithClient(<LogList lines={lines} />);
    const list = screen.getByTestId("log-list");
    expect(list.getAttribute("role")).toBe("log");
    expect(list.tabIndex).toBe(0);
    expect(list.getAttribute("aria-label")).toBe("Log lines (5)");
    await expectNoAxeViolations(list);
  });
});
