import { invoke } from "@tauri-apps/api/core";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { FleetRow, FleetView, PaletteEntry } from "../api";
import { comSession, fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { Fleet } from "./Fleet";
import { Palette, searchPalette } from "./Palette";
import { ServiceTools } from "./ServiceTools";
import { sparkLabel, sparkPoints } from "./spark";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const spark = {
  points: [
    { at: 0, value: 10 },
    { at: 300, value: 40 },
    { at: 600, value: 35 },
  ],
  latest: 35,
  max: 40,
};
const row = (service: string, partition: "aws" | "aws-us-gov", level: "green" | "red" | null, state: FleetRow["sessionState"] = "signedIn"): FleetRow => ({
  pin: {
    partition,
    accountId: partition === "aws" ? "123456789012" : "210987654321",
    accountName: null,
    region: partition === "aws" ? "us-east-1" : "us-gov-east-1",
    cluster: "c",
    service,
    signedInAs: "demo",
  },
  key: `${partition}|${service}`,
  sessionId: state === "signedIn" ? (partition === "aws" ? "s-com" : "s-gov") : null,
  sessionState: state,
  health:
    level === null
      ? null
      : { service, level, summary: `${service} is ${level}`, reasons: [], notes: [], full: false, latest: null, thresholds: { cpuPercent: 70, memoryPercent: 80, errorRatePercent: 1, responseTimeMs: 500 } },
  desired: 1,
  running: level === "red" ? 0 : 1,
  pending: 0,
  cpu: spark,
  memory: null,
  error: null,
});

const view: FleetView = {
  rows: [row("worker", "aws", "red"), row("other", "aws", null, "expired"), row("coe-etl-prod-Service", "aws-us-gov", "green")],
  red: 1,
  amber: 0,
  green: 1,
  unknown: 1,
};

const entries: PaletteEntry[] = [
  { sessionId: "s-gov", partition: "aws-us-gov", account: "tak-govcloud-prod", region: "us-gov-east-1", cluster: "coe-ecs-prod", service: "coe-etl-prod-Service" },
  { sessionId: "s-com", partition: "aws", account: "tak-commercial-staging", region: "us-east-1", cluster: "coe-ecs-staging", service: "api-staging-Service" },
];

describe("Fleet", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
    window.location.hash = "";
  });

  it("shows rows in the backend's order with counts, sparklines and a sign-in button for expired sessions", async () => {
    fakeBridge(invoke, { fleet_view: () => view, list_sessions: () => [govSession, comSession] });
    renderWithClient(<Fleet />);
    const rows = await screen.findAllByTestId("fleet-row");
    expect(rows.map((r) => r.getAttribute("data-service"))).toEqual(["worker", "other", "coe-etl-prod-Service"]);
    expect(screen.getByTestId("fleet-counts").textContent).toContain("1 broken");
    // The sparkline is drawn from the numbers, with a label for screen readers.
    const svg = rows[0]?.querySelector("svg[role=img]");
    expect(svg?.getAttribute("aria-label")).toBe("CPU 35 %, last 3 hours, highest 40 %");
    expect(svg?.getAttribute("width")).toBe("120");
    expect(svg?.querySelector("polyline")?.getAttribute("points")).toBe("1.0,24.4 60.0,16.6 119.0,17.9");
    expect(rows[1]?.getAttribute("data-session-state")).toBe("expired");
    expect(screen.getAllByTestId("fleet-signin")).toHaveLength(1);
    // Arrow keys move the focus down the rows.
    rows[0]?.focus();
    fireEvent.keyDown(rows[0] as HTMLElement, { key: "ArrowDown" });
    expect(document.activeElement).toBe(rows[1]);
  });

  it("Enter on a row opens the service in its session", async () => {
    fakeBridge(invoke, { fleet_view: () => view, list_sessions: () => [govSession, comSession] });
    renderWithClient(<Fleet />);
    const rows = await screen.findAllByTestId("fleet-row");
    fireEvent.keyDown(rows[2] as HTMLElement, { key: "Enter" });
    await waitFor(() => {
      expect(window.location.hash).toBe("#/s/s-gov/c/c/s/coe-etl-prod-Service");
    });
  });
});

describe("sparkPoints", () => {
  it("spreads the points over the width by time and the height by percent", () => {
    const points = [
      { at: 1000, value: 0 },
      { at: 1300, value: 50 },
      { at: 1600, value: 100 },
    ];
    expect(sparkPoints(points)).toBe("1.0,27.0 60.0,14.0 119.0,1.0");
    // A gap in the data stays a gap in time.
    const gappy = [
      { at: 1000, value: 0 },
      { at: 1100, value: 0 },
      { at: 1600, value: 100 },
    ];
    expect(sparkPoints(gappy)).toBe("1.0,27.0 20.7,27.0 119.0,1.0");
  });

  it("stretches above 100 %, floors at 0 and copes with one point or none", () => {
    expect(sparkPoints([{ at: 0, value: 200 }, { at: 10, value: 100 }, { at: 20, value: -5 }])).toBe("1.0,1.0 60.0,14.0 119.0,27.0");
    expect(sparkPoints([{ at: 5, value: 50 }])).toBe("119.0,14.0");
    expect(sparkPoints([])).toBe("");
    expect(sparkPoints([{ at: 0, value: Number.NaN }])).toBe("");
  });

  it("says the latest and highest values in words", () => {
    expect(sparkLabel("Memory", 42.4, 80)).toBe("Memory 42 %, last 3 hours, highest 80 %");
    expect(sparkLabel("CPU", null, null)).toBe("CPU no data, last 3 hours");
  });
});

describe("Palette", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
    window.location.hash = "";
  });

  it("matches every word against service, cluster, account and region", () => {
    expect(searchPalette(entries, "etl gov").map((e) => e.service)).toEqual(["coe-etl-prod-Service"]);
    expect(searchPalette(entries, "staging api")).toHaveLength(1);
    expect(searchPalette(entries, "nothing")).toHaveLength(0);
  });

  it("opens on Ctrl+K and jumps to the chosen service with the keyboard", async () => {
    fakeBridge(invoke, { palette_index: () => entries });
    renderWithClient(<Palette />);
    expect(screen.queryByTestId("palette")).toBeNull();
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    const input = await screen.findByTestId("palette-input");
    await userEvent.type(input, "staging");
    await waitFor(() => {
      expect(screen.getAllByTestId("palette-item")).toHaveLength(1);
    });
    await userEvent.keyboard("{Enter}");
    await waitFor(() => {
      expect(window.location.hash).toBe("#/s/s-com/c/coe-ecs-staging/s/api-staging-Service");
    });
    expect(screen.queryByTestId("palette")).toBeNull();
  });
});

describe("ServiceTools", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("pins, and opens the console for the session (its partition, region and role are the core's to apply)", async () => {
    const pinned = [{ ...row("coe-etl-prod-Service", "aws-us-gov", "green").pin, cluster: "coe-ecs-prod" }];
    const calls = fakeBridge(invoke, {
      list_pins: () => [],
      pin_service: () => pinned,
      open_console: () => ({ url: "https://console.amazonaws-us-gov.com/ecs", signedIn: false }),
    });
    renderWithClient(<ServiceTools session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    const star = await screen.findByTestId("pin-toggle");
    await waitFor(() => {
      expect(star.hasAttribute("disabled")).toBe(false);
    });
    await userEvent.click(star);
    await waitFor(() => {
      expect(star.getAttribute("aria-pressed")).toBe("true");
    });
    await userEvent.click(screen.getByTestId("open-console"));
    await waitFor(() => {
      expect(calls.some((c) => c.command === "open_console")).toBe(true);
    });
    const open = calls.find((c) => c.command === "open_console");
    expect(open?.args).toEqual({
      sessionId: govSession.id,
      target: { kind: "service", cluster: "coe-ecs-prod", service: "coe-etl-prod-Service" },
    });
  });
});
