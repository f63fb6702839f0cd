import { invoke } from "@tauri-apps/api/core";
import { useQuery } from "@tanstack/react-query";
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import * as api from "../api";
import { queryKeys } from "../query/keys";
import { renderWithClient } from "../test/fixtures";
import { retryingMessage, RetryNotice } from "./RetryNotice";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function Profiles() {
  const q = useQuery({
    queryKey: queryKeys.profiles(),
    queryFn: api.listProfiles,
    retry: (n, e) => api.toApiError(e).retryable && n < 2,
    retryDelay: 50,
  });
  return <p data-testid="count">{q.data?.length ?? "none"}</p>;
}

describe("retry notice", () => {
  it("words each kind of retry for a non-engineer", () => {
    expect(retryingMessage([])).toBeNull();
    expect(retryingMessage(["Unreachable", "Throttling"])).toBe("AWS is throttling requests — retrying…");
    expect(retryingMessage(["Unreachable"])).toBe("Could not reach AWS — retrying…");
  });

  it("shows while a throttled call is retried and goes away when it recovers", async () => {
    let calls = 0;
    vi.mocked(invoke).mockImplementation(async () => {
      calls += 1;
      if (calls === 1) throw { code: "Throttling", message: "AWS is throttling requests", retryable: true };
      await new Promise((r) => setTimeout(r, 150));
      return [];
    });
    renderWithClient(
      <>
        <RetryNotice />
        <Profiles />
      </>,
    );
    expect((await screen.findByTestId("retry-notice")).textContent).toBe("AWS is throttling requests — retrying…");
    await waitFor(() => {
      expect(screen.getByTestId("count").textContent).toBe("0");
    });
    expect(screen.queryByTestId("retry-notice")).toBeNull();
    expect(calls).toBe(2);
  });
});
