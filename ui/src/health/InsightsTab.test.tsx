import { invoke } from "@tauri-apps/api/core";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { InsightsResults, NamedQuery } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { InsightsTab } from "./InsightsTab";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const queries: NamedQuery[] = [
  { name: "Errors by message", query: "filter @message like /ERROR/ | stats count(*) as errors by @message", origin: "ready", logGroups: [] },
  { name: "ops/5xx by path", query: "filter status >= 500 | stats count(*) by path", origin: "saved", logGroups: [] },
];

const results = (status: string, done: boolean): InsightsResults => ({
  status,
  done,
  columns: ["error", "errors"],
  rows: [["database query failed", "7"]],
  matched: 7,
  scannedRecords: 1200,
  scannedBytes: 184_000,
  scannedWords: "184.0 KB scanned",
  chart: null,
});

describe("logs insights tab", () => {
  it("runs the chosen query and shows rows, status and the bytes scanned", async () => {
    const started: unknown[] = [];
    fakeBridge(invoke, {
      insights_queries: () => queries,
      insights_start: (args: Record<string, unknown>) => {
        started.push(args.query);
        return { queryId: "q1", region: "us-gov-east-1", logGroups: ["/ecs/web"] };
      },
      insights_results: () => results("Complete", true),
    });
    renderWithClient(<InsightsTab session={govSession} cluster="c" service="web" />);
    await screen.findByRole("option", { name: "ops/5xx by path (saved)" });
    await userEvent.selectOptions(screen.getByTestId("insights-named"), "saved:ops/5xx by path");
    expect(screen.getByTestId<HTMLTextAreaElement>("insights-query").value).toBe(queries[1]?.query);
    await userEvent.click(screen.getByTestId("insights-run"));
    expect((await screen.findByTestId("insights-status")).textContent).toContain("Complete · 184.0 KB scanned · 7 of 1200 records matched");
    expect(screen.getAllByTestId("insights-row")[0]?.textContent).toContain("database query failed");
    expect(started).toEqual([queries[1]?.query]);
    expect(screen.queryByTestId("insights-cancel")).toBeNull();
  });

  it("cancels a running query", async () => {
    const stopped: unknown[] = [];
    let cancelled = false;
    fakeBridge(invoke, {
      insights_queries: () => queries,
      insights_start: () => ({ queryId: "q2", region: "us-gov-east-1", logGroups: ["/ecs/web"] }),
      insights_results: () => (cancelled ? results("Cancelled", true) : results("Running", false)),
      insights_stop: (args: Record<string, unknown>) => {
        stopped.push(args.queryId);
        cancelled = true;
        return null;
      },
    });
    renderWithClient(<InsightsTab session={govSession} cluster="c" service="web" />);
    await screen.findByRole("option", { name: "Errors by message (ECS Desk)" });
    await userEvent.click(screen.getByTestId("insights-run"));
    await userEvent.click(await screen.findByTestId("insights-cancel"));
    expect(stopped).toEqual(["q2"]);
    expect((await screen.findByText(/^Cancelled ·/)).getAttribute("data-status")).toBe("Cancelled");
  });
});
