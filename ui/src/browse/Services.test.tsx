import { invoke } from "@tauri-apps/api/core";
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { etlService, fakeBridge, govSession, renderWithClient } from "../test/fixtures";
import { Services } from "./Services";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const name = (i: number) => `scale-00-svc-${String(i).padStart(4, "0")}-Service`;
const many = Array.from({ length: 1000 }, (_, i) => ({ ...etlService, name: name(i), arn: `arn:${i}` }));
const rendered = () => document.querySelectorAll('[data-testid^="service-row-"]').length;

describe("Services list of 1,000 services", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("renders only the rows near the viewport and follows the scroll", async () => {
    fakeBridge(invoke, { list_services: () => many });
    renderWithClient(<Services session={govSession} cluster="scale-cluster-00" />);
    await screen.findByTestId(`service-row-${name(0)}`);
    expect(rendered()).toBeGreaterThan(0);
    expect(rendered()).toBeLessThan(250);
    expect(screen.queryByTestId(`service-row-${name(999)}`)).toBeNull();

    // Scrolled to the bottom: the table body's top is far above the viewport.
    const body = screen.getByTestId("services-table").querySelector("tbody");
    expect(body).not.toBeNull();
    vi.spyOn(body as HTMLElement, "getBoundingClientRect").mockReturnValue({ top: -41 * 990 } as DOMRect);
    act(() => {
      window.dispatchEvent(new Event("scroll"));
    });
    await screen.findByTestId(`service-row-${name(999)}`);
    expect(screen.queryByTestId(`service-row-${name(0)}`)).toBeNull();
    expect(rendered()).toBeLessThan(250);
  });

  it("a filter that leaves a short list renders every matching row", async () => {
    fakeBridge(invoke, { list_services: () => many });
    renderWithClient(<Services session={govSession} cluster="scale-cluster-00" />);
    await screen.findByTestId(`service-row-${name(0)}`);
    await userEvent.type(screen.getByTestId("filter-input"), "svc-09");
    await waitFor(() => {
      expect(rendered()).toBe(100);
    });
    expect(screen.getByTestId(`service-row-${name(999)}`)).toBeTruthy();
  });
});
