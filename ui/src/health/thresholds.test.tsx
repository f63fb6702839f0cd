import { invoke } from "@tauri-apps/api/core";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ServiceHealth, ThresholdSetting, Thresholds } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { HealthBanner } from "./HealthBanner";
import { parseThresholds } from "./ThresholdsEditor";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: vi.fn() }));

const defaults: Thresholds = { cpuPercent: 70, memoryPercent: 80, errorRatePercent: 1, responseTimeMs: 500 };
const green: ServiceHealth = {
  service: "coe-etl-prod-Service",
  level: "green",
  summary: "Healthy: 1 of 1 task running",
  reasons: [],
  notes: [],
  full: true,
  latest: null,
  thresholds: defaults,
};

describe("thresholds editor", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("checks the numbers, saves them, refreshes the health and resets to the runbook defaults", async () => {
    let saved: ThresholdSetting = { thresholds: defaults, custom: false, defaults };
    const calls = fakeBridge(invoke, {
      service_health: () => green,
      get_thresholds: () => saved,
      set_thresholds: (a) => {
        const t = a.thresholds as Thresholds | null;
        saved = { thresholds: t ?? defaults, custom: t !== null, defaults };
        return saved;
      },
    });
    renderWithClient(<HealthBanner session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    await userEvent.click(await screen.findByTestId("thresholds-open"));
    const cpu = await screen.findByTestId("threshold-cpuPercent");
    expect((cpu as HTMLInputElement).value).toBe("70");
    expect(screen.getByTestId("thresholds-source").textContent).toContain("runbook defaults");
    expect(screen.getByTestId<HTMLButtonElement>("thresholds-reset").disabled).toBe(true);

    await userEvent.clear(cpu);
    await userEvent.type(cpu, "150");
    expect(screen.getByTestId("thresholds-problem").textContent).toBe("CPU must be between 1 and 100 %.");
    expect(screen.getByTestId<HTMLButtonElement>("thresholds-save").disabled).toBe(true);
    await userEvent.clear(cpu);
    expect(screen.getByTestId("thresholds-problem").textContent).toBe("CPU: enter a number.");
    await userEvent.type(cpu, "85");
    expect(screen.queryByTestId("thresholds-problem")).toBeNull();

    const healthCalls = () => calls.filter((c) => c.command === "service_health").length;
    const before = healthCalls();
    await userEvent.click(screen.getByTestId("thresholds-save"));
    await screen.findByTestId("thresholds-saved");
    expect(calls.find((c) => c.command === "set_thresholds")?.args).toMatchObject({
      sessionId: "s-gov",
      cluster: "coe-ecs-prod",
      service: "coe-etl-prod-Service",
      thresholds: { ...defaults, cpuPercent: 85 },
    });
    // The banner is weighed again with the new thresholds.
    await waitFor(() => {
      expect(healthCalls()).toBeGreaterThan(before);
    });
    expect(screen.getByTestId("thresholds-source").textContent).toContain("its own thresholds");

    await userEvent.click(screen.getByTestId("thresholds-reset"));
    await waitFor(() => {
      expect(screen.getByTestId<HTMLInputElement>("threshold-cpuPercent").value).toBe("70");
    });
    expect(calls.filter((c) => c.command === "set_thresholds").at(-1)?.args.thresholds).toBeNull();
    expect(screen.getByTestId("thresholds-saved").textContent).toContain("runbook defaults");
  });

  it("shows the core's refusal in words", async () => {
    fakeBridge(invoke, {
      service_health: () => green,
      get_thresholds: () => ({ thresholds: defaults, custom: false, defaults }),
      set_thresholds: () => {
        throw { code: "ConfigError", message: "thresholds.json line 1: expected value", retryable: false };
      },
    });
    renderWithClient(<HealthBanner session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    await userEvent.click(await screen.findByTestId("thresholds-open"));
    await screen.findByTestId("threshold-cpuPercent");
    await userEvent.click(screen.getByTestId("thresholds-save"));
    expect((await screen.findByTestId("error-panel")).getAttribute("data-code")).toBe("ConfigError");
  });

  it("names the field in every message", () => {
    const ok = { cpuPercent: "70", memoryPercent: "80", errorRatePercent: "1", responseTimeMs: "500" };
    expect(parseThresholds(ok)).toEqual({ thresholds: defaults });
    expect(parseThresholds({ ...ok, memoryPercent: "0" })).toEqual({ problem: "Memory must be between 1 and 100 %." });
    expect(parseThresholds({ ...ok, errorRatePercent: "abc" })).toEqual({ problem: "5xx errors: enter a number." });
    expect(parseThresholds({ ...ok, responseTimeMs: "90000" })).toEqual({ problem: "Response time must be between 1 and 60000 ms." });
  });
});
