import { invoke } from "@tauri-apps/api/core";
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBridge, partitions, renderWithClient } from "../test/fixtures";
import { govStatus } from "../test/ssoFixtures";
import { SignIn } from "./SignIn";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

/** The sign-in screen with one access portal, on a system with or without a keyring. */
function renderSignIn(keyring: boolean) {
  return fakeBridge(invoke, {
    list_profiles: () => [],
    list_partitions: () => partitions,
    list_sso_sessions: () => [govStatus],
    keyring_available: () => keyring,
  });
}

describe("the sign-in screen without a system keyring", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("says in one line where sign-ins and role keys are kept", async () => {
    renderSignIn(false);
    renderWithClient(<SignIn />);
    const note = await screen.findByTestId("sso-no-keyring");
    expect(note.textContent).toBe(
      "No system keyring: sign-ins are kept in the AWS CLI's cache file (readable only by you), role keys in memory until you quit.",
    );
  });

  it("says nothing when the keyring is there", async () => {
    const calls = renderSignIn(true);
    renderWithClient(<SignIn />);
    await screen.findByTestId("sso-session-ecsdesk-demo-gov");
    await waitFor(() => {
      expect(calls.some((c) => c.command === "keyring_available")).toBe(true);
    });
    expect(screen.queryByTestId("sso-no-keyring")).toBeNull();
  });
});
