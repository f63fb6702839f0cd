import { invoke } from "@tauri-apps/api/core";
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { LogBatch, LogLine, LogSource } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { containerPrefix, mergeByTime } from "./logReader";
import { LogsTab } from "./LogsTab";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

// The task definition sends its logs to the other GovCloud region (awslogs-region).
const source: LogSource = { container: "api", group: "/ecs/coe-etl-prod", streamPrefix: "ecs", region: "us-gov-west-1" };

function lines(from: number, n: number): LogLine[] {
  return Array.from({ length: n }, (_, i) => ({ eventId: `e${from + i}`, timestamp: (from + i) * 1000, stream: "ecs/api/1", message: `ERROR line ${from + i}` }));
}

const count = () => Number(screen.getByTestId("log-list").dataset.count);

describe("Logs tab", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("shows recent lines, pages the errors of the last hour, and follows until told to stop", async () => {
    const calls = fakeBridge(invoke, {
      log_sources: () => [source],
      log_recent: () => lines(0, 3),
      log_errors: () => ({ lines: lines(0, 2), nextToken: "page-2" }),
      log_search: () => ({ lines: lines(2, 1), nextToken: null }),
      log_follow_start: () => "follow-1",
      log_follow_stop: () => null,
    });
    renderWithClient(<LogsTab session={govSession} cluster="coe-ecs-prod" service="coe-etl-prod-Service" />);
    await waitFor(() => {
      expect(count()).toBe(3);
    });
    expect(containerPrefix(source)).toBe("ecs/api/");
    expect(calls.find((c) => c.command === "log_recent")?.args).toEqual({
      sessionId: "s-gov",
      group: "/ecs/coe-etl-prod",
      stream: null,
      limit: 500,
      region: "us-gov-west-1",
    });
    expect(screen.getByTestId("log-region").textContent).toBe("in us-gov-west-1");

    await userEvent.click(screen.getByTestId("logs-errors"));
    await waitFor(() => {
      expect(count()).toBe(3);
    });
    expect(calls.find((c) => c.command === "log_errors")?.args).toEqual({
      sessionId: "s-gov",
      group: "/ecs/coe-etl-prod",
      streamPrefix: "ecs/api/",
      region: "us-gov-west-1",
    });
    expect(calls.find((c) => c.command === "log_search")?.args.query).toMatchObject({ streamPrefix: "ecs/api/", nextToken: "page-2", region: "us-gov-west-1" });
    expect(screen.getByTestId("logs-status").textContent).toContain("in the last hour");

    await userEvent.click(screen.getByTestId("logs-follow"));
    await screen.findByTestId("logs-pause");
    const start = calls.find((c) => c.command === "log_follow_start");
    const channel = start?.args.channel as { onmessage: (b: LogBatch) => void };
    act(() => {
      channel.onmessage({ followId: "follow-1", lines: lines(10, 2), error: null });
    });
    expect(count()).toBe(2);
    expect(screen.getByTestId("logs-status").textContent).toContain("following");

    await userEvent.click(screen.getByTestId("logs-follow"));
    await waitFor(() => {
      expect(calls.some((c) => c.command === "log_follow_stop" && c.args.followId === "follow-1")).toBe(true);
    });
    expect(screen.queryByTestId("logs-pause")).toBeNull();
    expect(count()).toBe(2);
  });
});

describe("lines that arrive late", () => {
  const at = (timestamp: number, message: string) => ({ eventId: message, timestamp, stream: null, message });
  it("go in time order; a batch of newer lines is simply appended", () => {
    const shown = [at(1_000, "a"), at(3_000, "c")];
    expect(mergeByTime(shown, [at(4_000, "d")]).map((l) => l.message)).toEqual(["a", "c", "d"]);
    expect(mergeByTime(shown, [at(2_000, "b late"), at(5_000, "e")]).map((l) => l.message)).toEqual(["a", "b late", "c", "e"]);
    expect(mergeByTime([], [at(2_000, "x")]).map((l) => l.message)).toEqual(["x"]);
  });
});
