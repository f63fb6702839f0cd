import { invoke } from "@tauri-apps/api/core";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fakeBridge, renderWithClient } from "../test/fixtures";
import { zoomChangeOf, ZoomKeys } from "./ZoomKeys";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("zoom keys", () => {
  it("maps Ctrl + / Ctrl − / Ctrl 0 and nothing else", () => {
    const key = (k: string, mods: Partial<KeyboardEvent> = { ctrlKey: true }) =>
      zoomChangeOf({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });
    expect(key("=")).toBe("in");
    expect(key("+")).toBe("in");
    expect(key("-")).toBe("out");
    expect(key("0")).toBe("reset");
    expect(key("=", {})).toBeNull();
    expect(key("k")).toBeNull();
    expect(key("+", { ctrlKey: true, altKey: true })).toBeNull();
    expect(key("+", { metaKey: true })).toBe("in");
  });

  it("asks the core, marks the page and says the new level", async () => {
    let zoom = 150;
    const calls = fakeBridge(invoke, {
      get_zoom: () => zoom,
      change_zoom: (a) => {
        zoom = a.change === "in" ? 175 : a.change === "out" ? 125 : 100;
        return zoom;
      },
    });
    renderWithClient(<ZoomKeys />);
    await waitFor(() => { expect(document.documentElement.dataset.zoom).toBe("150"); });
    fireEvent.keyDown(window, { key: "=", ctrlKey: true });
    await waitFor(() => { expect(screen.getByTestId("zoom-notice").textContent).toBe("Zoom 175 %"); });
    expect(document.documentElement.dataset.zoom).toBe("175");
    fireEvent.keyDown(window, { key: "0", ctrlKey: true });
    await waitFor(() => { expect(document.documentElement.dataset.zoom).toBe("100"); });
    expect(calls.filter((c) => c.command === "change_zoom").map((c) => c.args.change)).toEqual(["in", "reset"]);
  });

  it("names the problem when the setting cannot be saved", async () => {
    fakeBridge(invoke, {
      get_zoom: () => 100,
      change_zoom: () => {
        throw { code: "ConfigError", message: "preferences.json line 1: EOF while parsing", retryable: false };
      },
    });
    renderWithClient(<ZoomKeys />);
    fireEvent.keyDown(window, { key: "-", ctrlKey: true });
    await waitFor(() => { expect(screen.getByTestId("zoom-notice").textContent).toMatch(/^Zoom not changed: .*preferences\.json/); });
  });
});
