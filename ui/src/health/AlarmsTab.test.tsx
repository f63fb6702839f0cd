import { invoke } from "@tauri-apps/api/core";
import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { AlarmInfo } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { AlarmsTab } from "./AlarmsTab";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const alarm = (name: string, state: string, scaling: boolean): AlarmInfo => ({
  name,
  description: scaling ? "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy …" : "CPU utilization > 80%",
  state,
  stateReason: null,
  stateUpdatedAt: null,
  namespace: "AWS/ECS",
  metric: "CPUUtilization",
  statistic: "Average",
  threshold: 45,
  comparison: "LessThanThreshold",
  rule: "CPUUtilization Average < 45 for 15 × 1 min",
  scaling,
});

describe("alarms tab", () => {
  it("shows target-tracking alarms as scaling, not as trouble", async () => {
    fakeBridge(invoke, {
      service_alarms: () => [
        alarm("TargetTracking-service/c/api-AlarmLow-9a8b", "ALARM", true),
        alarm("api-high-cpu", "ALARM", false),
      ],
    });
    renderWithClient(<AlarmsTab session={govSession} cluster="c" service="api" />);
    const rows = await screen.findAllByTestId("alarm-row");
    expect(rows[0]?.className).toBe("");
    expect(rows[0]?.textContent).toContain("Scaling · ALARM");
    expect(screen.getByTestId("alarm-scaling-note").textContent).toMatch(/tells the scaler to remove tasks/);
    expect(rows[1]?.className).toBe("bad-row");
  });
});
