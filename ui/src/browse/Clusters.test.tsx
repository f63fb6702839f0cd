import { invoke } from "@tauri-apps/api/core";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { clusters, fakeBridge, govSession, partitions, renderWithClient } from "../test/fixtures";
import { Clusters } from "./Clusters";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("Clusters", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("lists clusters, filters them, and opens one", async () => {
    fakeBridge(invoke, { list_clusters: () => clusters, list_partitions: () => partitions });
    renderWithClient(<Clusters session={govSession} />);
    expect(screen.getByTestId("loading")).toBeTruthy();
    await screen.findByTestId("cluster-row-coe-ecs-prod");
    expect(screen.getByTestId("cluster-row-wft-ecs-prod")).toBeTruthy();
    expect(screen.getByTestId("cluster-services-coe-ecs-prod").textContent).toBe("2");
    await waitFor(() => {
      expect(screen.getByTestId("updated-ago").textContent).toMatch(/^Updated /);
    });

    await userEvent.type(screen.getByTestId("filter-input"), "WFT");
    expect(screen.queryByTestId("cluster-row-coe-ecs-prod")).toBeNull();
    expect(screen.getByTestId("cluster-row-wft-ecs-prod")).toBeTruthy();
    await userEvent.clear(screen.getByTestId("filter-input"));
    await userEvent.type(screen.getByTestId("filter-input"), "nothing-like-this");
    expect(screen.getByTestId("no-match").textContent).toContain("nothing-like-this");
    await userEvent.clear(screen.getByTestId("filter-input"));

    await userEvent.click(screen.getByTestId("cluster-link-coe-ecs-prod"));
    expect(window.location.hash).toBe("#/s/s-gov/c/coe-ecs-prod");
  });

  it("shows the wrong-region hint with a region switcher of the same partition when there are no clusters", async () => {
    const calls = fakeBridge(invoke, {
      list_clusters: () => [],
      list_partitions: () => partitions,
      set_session_region: (a) => ({ ...govSession, region: a.region }),
    });
    renderWithClient(<Clusters session={{ ...govSession, region: "us-gov-west-1" }} />);
    const empty = await screen.findByTestId("empty-clusters");
    expect(empty.textContent).toContain("No clusters in this region — are you in the right region?");
    expect(empty.textContent).toContain("us-gov-east-1");
    const select = within(empty).getByTestId<HTMLSelectElement>("empty-region-select");
    await waitFor(() => {
      expect(Array.from(select.options).map((o) => o.value)).toEqual(["us-gov-east-1", "us-gov-west-1"]);
    });
    await userEvent.selectOptions(select, "us-gov-east-1");
    await waitFor(() => {
      expect(calls.some((c) => c.command === "set_session_region")).toBe(true);
    });
    expect(calls.find((c) => c.command === "set_session_region")?.args).toEqual({ sessionId: "s-gov", region: "us-gov-east-1" });
  });

  it("shows an error in the view with Details and recovers on Retry", async () => {
    let fail = true;
    fakeBridge(invoke, {
      list_partitions: () => partitions,
      list_clusters: () => {
        if (fail) throw { code: "Unreachable", message: "ECS Desk cannot reach AWS. Check your network.", retryable: true };
        return clusters;
      },
    });
    renderWithClient(<Clusters session={govSession} />);
    const panel = await screen.findByTestId("error-panel");
    expect(panel.textContent).toContain("Could not list the clusters");
    expect(within(panel).getByTestId("error-message").textContent).toBe("ECS Desk cannot reach AWS. Check your network.");
    expect(within(panel).getByTestId("error-code").textContent).toBe("Unreachable");
    fail = false;
    await userEvent.click(within(panel).getByTestId("retry-button"));
    await screen.findByTestId("cluster-row-coe-ecs-prod");
    expect(screen.queryByTestId("error-panel")).toBeNull();
  });
});
