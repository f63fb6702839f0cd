import { invoke } from "@tauri-apps/api/core";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ServiceChange, ServiceChanges } from "../api";
import { fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { ChangesTab } from "./ChangesTab";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const change = (id: string, who: string, via: string, what: string, actor: ServiceChange["actor"]): ServiceChange => ({
  id,
  at: "2026-12-04T02:00:00Z",
  epoch: 0,
  who,
  role: actor === "person" ? "AWSReservedSSO_OperatorAccess_0123" : null,
  actor,
  via,
  what,
  eventName: "UpdateService",
  error: null,
});

describe("changes tab", () => {
  it("lists who changed the service from where, and reads older changes on request", async () => {
    const first: ServiceChanges = {
      changes: [change("1", "alice@example.com", "AWS console", "Restarted it (forced a new deployment)", "person")],
      more: "{\"UpdateService\":\"t1\"}",
      scanned: 50,
      completeSince: "2026-11-30T00:00:00Z",
    };
    const second: ServiceChanges = {
      changes: [change("2", "GitHubActions", "AWS CLI", "Changed the task definition to web:7", "pipeline")],
      more: null,
      scanned: 12,
      completeSince: null,
    };
    const calls: unknown[] = [];
    fakeBridge(invoke, {
      service_changes: (args: Record<string, unknown>) => {
        calls.push(args.more);
        return args.more === null ? first : second;
      },
    });
    renderWithClient(<ChangesTab session={govSession} cluster="c" service="web" />);
    const rows = await screen.findAllByTestId("change-row");
    expect(rows[0]?.textContent).toContain("alice@example.com");
    expect(rows[0]?.textContent).toContain("as AWSReservedSSO_OperatorAccess_0123");
    expect(rows[0]?.getAttribute("data-via")).toBe("AWS console");
    expect(screen.getByTestId("changes-note").textContent).toContain("50 events");
    await userEvent.click(screen.getByTestId("changes-older"));
    expect((await screen.findAllByTestId("change-row")).length).toBe(2);
    expect(calls).toEqual([null, "{\"UpdateService\":\"t1\"}"]);
    expect(screen.getByTestId("changes-note").textContent).toContain("All of the last 90 days.");
    expect(screen.queryByTestId("changes-older")).toBeNull();
  });
});
