import { invoke } from "@tauri-apps/api/core";
import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ServiceScaling } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { ScalingTab } from "./ScalingTab";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const scaled: ServiceScaling = {
  limits: { min: 2, max: 8 },
  desired: 3,
  policies: [{ name: "cpu60", kind: "Target tracking", summary: "Keeps average CPU near 60 %." }],
  scheduled: [{ name: "night", when: "Every day at 21:00 (UTC)", schedule: "cron(0 21 * * ? *)", sets: "min 2, max 6" }],
  activities: [
    { at: "2026-12-04T02:19:00Z", epoch: 1, to: 2, direction: "in", what: "Set the desired count to 2", why: "Load below the target of policy cpu60", status: "Successful", raw: "" },
    { at: "2026-12-04T02:04:00Z", epoch: 0, to: 3, direction: "out", what: "Set the desired count to 3", why: "Load above the target of policy cpu60", status: "Successful", raw: "" },
  ],
  warnings: [{ code: "thrashing", message: "Scaled up 2 and down 1 times in the last hour (thrashing)." }],
  suspended: ["Scaling in (removing tasks) is suspended."],
};

describe("auto scaling tab", () => {
  it("shows the limits, the thrashing warning, policies, schedules and moves", async () => {
    fakeBridge(invoke, { service_scaling: () => scaled });
    renderWithClient(<ScalingTab session={govSession} cluster="c" service="web" />);
    expect((await screen.findByTestId("scaling-limits")).textContent).toBe("Keeps between 2 and 8 tasks · wants 3 now");
    expect(screen.getByTestId("scaling-warning-thrashing").textContent).toContain("thrashing");
    expect(screen.getByTestId("scaling-policies").textContent).toContain("Keeps average CPU near 60 %.");
    expect(screen.getByTestId("scaling-schedules").textContent).toContain("Every day at 21:00 (UTC) · night · sets min 2, max 6");
    const rows = screen.getAllByTestId("scaling-activity");
    expect(rows.map((r) => r.getAttribute("data-direction"))).toEqual(["in", "out"]);
    expect(screen.getByLabelText("Scaled out")).toBeTruthy();
    expect(screen.getByText("Scaling in (removing tasks) is suspended.")).toBeTruthy();
  });

  it("says so when auto scaling does not manage the service", async () => {
    fakeBridge(invoke, { service_scaling: () => ({ ...scaled, limits: null, policies: [], scheduled: [], activities: [], warnings: [], suspended: [] }) });
    renderWithClient(<ScalingTab session={govSession} cluster="c" service="api" />);
    expect((await screen.findByTestId("empty-scaling")).textContent).toContain("Auto scaling does not manage this service.");
  });
});
