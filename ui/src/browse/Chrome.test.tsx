import { invoke } from "@tauri-apps/api/core";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { comSession, fakeBridge, govSession, partitions, renderWithClient } from "../test/fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("app chrome: breadcrumbs and session tabs", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("shows every breadcrumb level with GovCloud marked, each navigating", async () => {
    fakeBridge(invoke, {
      list_sessions: () => [govSession, comSession],
      list_partitions: () => partitions,
      get_task: () => {
        throw { code: "NotFound", message: "This task no longer exists.", retryable: false };
      },
    });
    window.location.hash = "#/s/s-gov/c/coe-ecs-prod/s/coe-etl-prod-Service/t/abc";
    renderWithClient(<App />);
    const crumbs = await screen.findByTestId("breadcrumbs");
    expect(within(crumbs).getByTestId("crumb-partition").textContent).toContain("GovCloud");
    expect(within(crumbs).getByTestId("crumb-account").textContent).toBe("tak-govcloud-prod");
    expect(within(crumbs).getByTestId("crumb-region").textContent).toBe("us-gov-east-1");
    expect(within(crumbs).getByTestId("crumb-cluster").textContent).toBe("coe-ecs-prod");
    expect(within(crumbs).getByTestId("crumb-service").textContent).toBe("coe-etl-prod-Service");
    expect(within(crumbs).getByTestId("crumb-task").getAttribute("aria-current")).toBe("page");
    expect(screen.getByTestId("appbar").getAttribute("data-partition")).toBe("aws-us-gov");
    await userEvent.click(within(crumbs).getByTestId("crumb-service"));
    expect(window.location.hash).toBe("#/s/s-gov/c/coe-ecs-prod/s/coe-etl-prod-Service");
  });

  it("switches sessions in one click and returns to where each session was", async () => {
    fakeBridge(invoke, {
      list_sessions: () => [govSession, comSession],
      list_partitions: () => partitions,
      list_clusters: () => [],
      list_services: () => [],
    });
    window.location.hash = "#/s/s-gov/c/coe-ecs-prod";
    renderWithClient(<App />);
    await screen.findByTestId("services-view");
    const tabs = screen.getAllByTestId("session-tab");
    expect(tabs.map((t) => t.getAttribute("data-profile"))).toEqual(["demo-govcloud", "demo-commercial"]);
    expect(within(tabs[0] as HTMLElement).getByTestId("session-tab-badge").textContent).toBe("GovCloud");
    await userEvent.click(tabs[1] as HTMLElement);
    await waitFor(() => {
      expect(window.location.hash).toBe("#/s/s-com");
    });
    await screen.findByTestId("clusters-view");
    expect(screen.getByTestId("appbar").getAttribute("data-partition")).toBe("aws");
    await userEvent.click(screen.getAllByTestId("session-tab")[0] as HTMLElement);
    await waitFor(() => {
      expect(window.location.hash).toBe("#/s/s-gov/c/coe-ecs-prod");
    });
  });
});
