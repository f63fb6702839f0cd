import { invoke } from "@tauri-apps/api/core";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBridge, govSession, partitions, profiles, renderWithClient } from "../test/fixtures";
import { SignIn } from "./SignIn";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("SignIn", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("marks GovCloud profiles and preselects the GovCloud default region, offering only GovCloud regions", async () => {
    fakeBridge(invoke, { list_profiles: () => profiles, list_partitions: () => partitions });
    renderWithClient(<SignIn />);
    const gov = await screen.findByTestId("profile-row-demo-govcloud");
    expect(within(gov).getByTestId("partition-badge").textContent).toBe("GovCloud");
    expect(within(screen.getByTestId("profile-row-demo-commercial")).getByTestId("partition-badge").textContent).toBe(
      "Commercial",
    );
    await userEvent.click(gov);
    const select = await screen.findByTestId<HTMLSelectElement>("region-select");
    await waitFor(() => {
      expect(select.options.length).toBe(2);
    });
    expect(select.value).toBe("us-gov-east-1");
    expect(Array.from(select.options).map((o) => o.value)).toEqual(["us-gov-east-1", "us-gov-west-1"]);
    expect(screen.getByTestId("gov-note").textContent).toContain("GovCloud");
  });

  it("keeps the profile's own region preselected and opens a session there", async () => {
    const calls = fakeBridge(invoke, {
      list_profiles: () => profiles,
      list_partitions: () => partitions,
      open_session: () => ({ ...govSession, id: "s-new" }),
    });
    renderWithClient(<SignIn />);
    await userEvent.click(await screen.findByTestId("profile-row-demo-commercial"));
    const select = await screen.findByTestId<HTMLSelectElement>("region-select");
    await waitFor(() => {
      expect(select.value).toBe("us-east-1");
    });
    await userEvent.selectOptions(select, "us-west-2");
    await userEvent.click(screen.getByTestId("open-session"));
    await waitFor(() => {
      expect(window.location.hash).toBe("#/s/s-new");
    });
    expect(calls.find((c) => c.command === "open_session")?.args).toEqual({ profile: "demo-commercial", region: "us-west-2" });
  });

  it("shows a sign-in failure in plain words with the AWS code under Details, and retries", async () => {
    let attempts = 0;
    fakeBridge(invoke, {
      list_profiles: () => profiles,
      list_partitions: () => partitions,
      open_session: () => {
        attempts += 1;
        throw { code: "ExpiredCredentials", message: "Your sign-in has expired. Sign in again.", retryable: false };
      },
    });
    renderWithClient(<SignIn />);
    await userEvent.click(await screen.findByTestId("profile-row-demo-govcloud"));
    await userEvent.click(await screen.findByTestId("open-session"));
    const panel = await screen.findByTestId("error-panel");
    expect(within(panel).getByTestId("error-message").textContent).toBe("Your sign-in has expired. Sign in again.");
    expect(within(panel).getByTestId("error-code").textContent).toBe("ExpiredCredentials");
    await userEvent.click(within(panel).getByTestId("retry-button"));
    await waitFor(() => {
      expect(attempts).toBe(2);
    });
  });

  it("explains what to do when the config has no profiles", async () => {
    fakeBridge(invoke, { list_profiles: () => [], list_partitions: () => partitions });
    renderWithClient(<SignIn />);
    expect((await screen.findByTestId("empty-profiles")).textContent).toContain("No AWS profiles found");
  });
});
