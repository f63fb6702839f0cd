import { invoke } from "@tauri-apps/api/core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, getTask, listServices, listTasks, openSession, toApiError } from "./api";
import { fakeBridge } from "./test/fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("api", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("calls the snake_case commands with camelCase arguments", async () => {
    const calls = fakeBridge(invoke, {
      open_session: () => ({ id: "s" }),
      list_services: () => [],
      list_tasks: () => [],
      get_task: () => ({}),
    });
    await openSession("demo-govcloud", null);
    await listServices("s", "coe-ecs-prod");
    await listTasks("s", "coe-ecs-prod", "svc", "STOPPED");
    await getTask("s", "coe-ecs-prod", "t1");
    expect(calls).toEqual([
      { command: "open_session", args: { profile: "demo-govcloud", region: null } },
      { command: "list_services", args: { sessionId: "s", cluster: "coe-ecs-prod" } },
      { command: "list_tasks", args: { sessionId: "s", cluster: "coe-ecs-prod", service: "svc", desiredStatus: "STOPPED" } },
      { command: "get_task", args: { sessionId: "s", cluster: "coe-ecs-prod", taskId: "t1" } },
    ]);
  });

  it("turns the bridge's ErrorPayload into an ApiError with code and retryable", async () => {
    fakeBridge(invoke, {
      list_services: () => {
        throw { code: "AccessDeniedException", message: "You are not allowed to list services.", retryable: false };
      },
    });
    const err = await listServices("s", "c").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "AccessDeniedException", message: "You are not allowed to list services.", retryable: false });
  });

  it("wraps anything else as an Internal error with a readable message", () => {
    expect(toApiError("boom")).toMatchObject({ code: "Internal", message: "boom", retryable: false });
    expect(toApiError(new Error(""))).toMatchObject({ code: "Internal", message: "Something went wrong inside ECS Desk." });
    expect(toApiError({ code: "Unreachable", message: "m" })).toMatchObject({ code: "Unreachable", retryable: false });
  });
});
