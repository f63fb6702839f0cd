// The Ctrl+K palette as a combobox in a modal dialog: arrows move the active option through
// aria-activedescendant, Escape closes and gives the focus back, axe finds nothing serious.
import { invoke } from "@tauri-apps/api/core";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PaletteEntry } from "../api";
import { expectNoAxeViolations } from "../test/axe";
import { fakeBridge, renderWithClient } from "../test/fixtures";
import { Palette } from "./Palette";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const entries: PaletteEntry[] = ["alpha", "beta", "gamma"].map((s) => ({
  sessionId: "s-com",
  partition: "aws",
  account: "tak-commercial-staging",
  region: "us-east-1",
  cluster: "c",
  service: `${s}-Service`,
}));

describe("Palette accessibility", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
    window.location.hash = "";
  });

  it("is a combobox whose arrows move the active option; Escape closes back to the opener", async () => {
    fakeBridge(invoke, { palette_index: () => entries });
    renderWithClient(
      <>
        <button type="button" data-testid="opener">
          somewhere
        </button>
        <Palette />
      </>,
    );
    const opener = screen.getByTestId("opener");
    opener.focus();
    fireEvent.keyDown(opener, { key: "k", ctrlKey: true });
    const input = await screen.findByTestId("palette-input");
    expect(document.activeElement).toBe(input);
    await waitFor(() => {
      expect(screen.getAllByTestId("palette-item")).toHaveLength(3);
    });
    const dialog = screen.getByTestId("palette");
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(document.getElementById(dialog.getAttribute("aria-labelledby") ?? "")?.textContent).toBe("Find a service");
    expect(input.getAttribute("role")).toBe("combobox");
    expect(input.getAttribute("aria-expanded")).toBe("true");
    const listbox = document.getElementById(input.getAttribute("aria-controls") ?? "");
    expect(listbox?.getAttribute("role")).toBe("listbox");
    expect(input.getAttribute("aria-activedescendant")).toBe("palette-0");
    await expectNoAxeViolations(dialog);

    await userEvent.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(input.getAttribute("aria-activedescendant")).toBe("palette-2");
    expect(document.getElementById("palette-2")?.getAttribute("aria-selected")).toBe("true");
    await userEvent.keyboard("{ArrowUp}");
    expect(input.getAttribute("aria-activedescendant")).toBe("palette-1");
    await userEvent.keyboard("{Control>}{End}{/Control}");
    expect(input.getAttribute("aria-activedescendant")).toBe("palette-2");
    await userEvent.keyboard("{Control>}{Home}{/Control}");
    expect(input.getAttribute("aria-activedescendant")).toBe("palette-0");

    // Nothing matches: the list is collapsed and nothing is active.
    await userEvent.type(input, "zzz");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(input.hasAttribute("aria-activedescendant")).toBe(false);

    // Tab stays in the dialog (the input is its only stop).
    await userEvent.tab();
    expect(document.activeElement).toBe(input);

    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("palette")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
