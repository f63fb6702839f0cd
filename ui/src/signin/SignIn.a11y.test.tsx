// Accessibility of the sign-in view: axe finds nothing serious, and the profile and portal lists
// follow the listbox pattern (one Tab stop, arrows, Home/End, type-ahead, Enter/Space).
import { invoke } from "@tauri-apps/api/core";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ProfileInfo } from "../api";
import { expectNoAxeViolations } from "../test/axe";
import { fakeBridge, partitions, profiles, renderWithClient } from "../test/fixtures";
import { comStatus, govAccounts, govStatus } from "../test/ssoFixtures";
import { typeaheadIndex } from "../components/useListbox";
import { SignIn } from "./SignIn";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

const more: ProfileInfo[] = [
  ...profiles,
  { name: "dev-sandbox", region: "eu-west-1", partition: "aws", kind: "sso", ssoSession: "ecsdesk-demo", accountId: "111122223333" },
  { name: "prod-readonly", region: null, partition: "aws", kind: "assumeRole", ssoSession: null, accountId: null },
];

function bridge() {
  return fakeBridge(invoke, {
    list_profiles: () => more,
    list_partitions: () => partitions,
    list_sso_sessions: () => [comStatus, govStatus],
    keyring_available: () => true,
    list_sso_accounts: () => govAccounts,
    list_sso_roles: () => [{ roleName: "ReadOnly", accountId: "210987654321" }],
  });
}

const selectedOf = (list: HTMLElement) =>
  within(list)
    .getAllByRole("option")
    .filter((o) => o.getAttribute("aria-selected") === "true")
    .map((o) => o.dataset.testid);

describe("sign-in accessibility", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("has no serious axe violation with profiles, portals and accounts shown", async () => {
    bridge();
    const { container } = renderWithClient(<SignIn />);
    await screen.findByTestId("profile-row-demo-govcloud");
    await screen.findByTestId("account-row-210987654321");
    await userEvent.click(screen.getByTestId("account-row-210987654321"));
    await screen.findByTestId("role-row-ReadOnly");
    await expectNoAxeViolations(container);
    await userEvent.click(screen.getByTestId("profile-row-demo-govcloud"));
    await screen.findByTestId("region-select");
    await expectNoAxeViolations(container);
  });

  it("gives the profile list one Tab stop and moves with arrows, Home, End and type-ahead", async () => {
    bridge();
    renderWithClient(<SignIn />);
    const first = await screen.findByTestId("profile-row-demo-commercial");
    const list = screen.getByTestId("profile-list");
    const options = within(list).getAllByRole("option");
    expect(options.map((o) => o.tabIndex)).toEqual([0, -1, -1, -1]);
    expect(options.every((o) => o.parentElement === list)).toBe(true);

    first.focus();
    fireEvent.keyDown(first, { key: "ArrowDown" });
    expect(selectedOf(list)).toEqual(["profile-row-demo-govcloud"]);
    expect(document.activeElement).toBe(screen.getByTestId("profile-row-demo-govcloud"));
    await screen.findByTestId("gov-note");
    expect(within(list).getAllByRole("option").map((o) => o.tabIndex)).toEqual([-1, 0, -1, -1]);

    fireEvent.keyDown(document.activeElement as Element, { key: "End" });
    expect(selectedOf(list)).toEqual(["profile-row-prod-readonly"]);
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowDown" });
    expect(selectedOf(list)).toEqual(["profile-row-prod-readonly"]);
    fireEvent.keyDown(document.activeElement as Element, { key: "Home" });
    expect(selectedOf(list)).toEqual(["profile-row-demo-commercial"]);
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowUp" });
    expect(selectedOf(list)).toEqual(["profile-row-demo-commercial"]);
    fireEvent.keyDown(document.activeElement as Element, { key: "d" });
    expect(selectedOf(list)).toEqual(["profile-row-demo-govcloud"]);
    fireEvent.keyDown(document.activeElement as Element, { key: "d" });
    expect(selectedOf(list)).toEqual(["profile-row-dev-sandbox"]);
    fireEvent.keyDown(document.activeElement as Element, { key: "p" });
    expect(selectedOf(list)).toEqual(["profile-row-prod-readonly"]);
    expect(document.activeElement).toBe(screen.getByTestId("profile-row-prod-readonly"));
    expect(screen.getByTestId("selected-profile").textContent).toBe("prod-readonly");
  });

  it("reaches the profile list with one Tab and selects with Space", async () => {
    bridge();
    renderWithClient(<SignIn />);
    await screen.findByTestId("profile-row-demo-commercial");
    screen.getByLabelText("Filter profiles").focus();
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByTestId("profile-row-demo-commercial"));
    await userEvent.keyboard(" ");
    expect(screen.getByTestId("selected-profile").textContent).toBe("demo-commercial");
    await userEvent.tab();
    // One Tab leaves the list for the region panel.
    expect(document.activeElement).toBe(screen.getByTestId("region-select"));
  });

  it("moves between access portals with the arrow keys", async () => {
    bridge();
    renderWithClient(<SignIn />);
    const com = await screen.findByTestId("sso-session-ecsdesk-demo");
    const list = com.parentElement as HTMLElement;
    expect(list.getAttribute("role")).toBe("listbox");
    expect(selectedOf(list)).toEqual(["sso-session-ecsdesk-demo"]);
    com.focus();
    fireEvent.keyDown(com, { key: "ArrowDown" });
    expect(selectedOf(list)).toEqual(["sso-session-ecsdesk-demo-gov"]);
    await waitFor(() => {
      expect(screen.getByTestId("sso-detail").dataset.session).toBe("ecsdesk-demo-gov");
    });
    fireEvent.keyDown(document.activeElement as Element, { key: "Home" });
    expect(screen.getByTestId("sso-detail").dataset.session).toBe("ecsdesk-demo");
  });

  it("finds type-ahead matches after the current item, wrapping", () => {
    const labels = ["alpha", "beta", "bravo", "charlie"];
    expect(typeaheadIndex(labels, "b", 0)).toBe(1);
    expect(typeaheadIndex(labels, "b", 1)).toBe(2);
    expect(typeaheadIndex(labels, "b", 2)).toBe(1);
    expect(typeaheadIndex(labels, "br", 1)).toBe(2);
    expect(typeaheadIndex(labels, "bb", 1)).toBe(2);
    expect(typeaheadIndex(labels, "z", 0)).toBe(-1);
  });
});
