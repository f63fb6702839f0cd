import { invoke } from "@tauri-apps/api/core";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionInfo } from "../api";
import { Header } from "../browse/Header";
import { fakeBridge, partitions, renderWithClient } from "../test/fixtures";
import { comStatus, govAccounts, govProd, govStatus, inHours, lastChannel } from "../test/ssoFixtures";
import { AccountPicker, accountMatches, sortAccounts } from "./AccountPicker";
import { partitionOfRegion } from "./AddSsoSession";
import { formatRemaining } from "./countdown";
import { SignIn } from "./SignIn";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

describe("sign-in helpers", () => {
  it("infers the partition, formats countdowns and filters accounts", () => {
    expect(partitionOfRegion("us-gov-west-1")).toBe("aws-us-gov");
    expect(partitionOfRegion("eu-west-1")).toBe("aws");
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(formatRemaining("2030-01-01T07:59:30Z", now)).toBe("7h 59m");
    expect(formatRemaining("2030-01-01T00:04:05Z", now)).toBe("4m 05s");
    expect(formatRemaining("2030-01-01T00:00:42Z", now)).toBe("42s");
    expect(formatRemaining("2029-12-31T23:00:00Z", now)).toBe("expired");
    expect(formatRemaining(null, now)).toBe("expired");
    expect(accountMatches(govProd, "GOVCLOUD-PROD")).toBe(true);
    expect(accountMatches(govProd, "2109876543")).toBe(true);
    expect(accountMatches(govProd, "staging")).toBe(false);
    expect(sortAccounts(govAccounts).map((a) => a.accountName)).toEqual(["tak-govcloud-dev", "tak-govcloud-prod"]);
  });
});

describe("SSO sign-in", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("welcomes a first run and saves a GovCloud start URL with the partition inferred", async () => {
    const calls = fakeBridge(invoke, {
      list_profiles: () => [],
      list_partitions: () => partitions,
      list_sso_sessions: () => [],
      add_sso_session: () => govStatus,
    });
    renderWithClient(<SignIn />);
    await screen.findByTestId("sso-first-run");
    expect(screen.queryByTestId("profile-list")).toBeNull();
    await userEvent.type(screen.getByTestId("sso-start-url"), govStatus.startUrl);
    const region = screen.getByTestId<HTMLSelectElement>("sso-region");
    await waitFor(() => {
      expect(region.options.length).toBe(4);
    });
    expect(screen.getByTestId("sso-inferred-partition").dataset.partition).toBe("aws");
    await userEvent.selectOptions(region, "us-gov-west-1");
    const inferred = screen.getByTestId("sso-inferred-partition");
    expect(inferred.dataset.partition).toBe("aws-us-gov");
    expect(within(inferred).getByTestId("sso-inferred-badge").textContent).toBe("GovCloud");
    await userEvent.click(screen.getByTestId("sso-add-submit"));
    await waitFor(() => {
      expect(calls.find((c) => c.command === "add_sso_session")?.args).toEqual({
        name: null,
        startUrl: govStatus.startUrl,
        region: "us-gov-west-1",
      });
    });
  });

  it("signs in with the browser: shows the URL to copy, waits, cancels, then finishes", async () => {
    let status = govStatus;
    const calls = fakeBridge(invoke, {
      list_profiles: () => [],
      list_partitions: () => partitions,
      list_sso_sessions: () => [status],
      sso_login_start: () => ({
        progress: { kind: "openBrowser", url: "https://oidc.us-gov-west-1.amazonaws.com/authorize?client_id=x" },
        browserOpened: false,
      }),
      sso_login_cancel: () => true,
      list_sso_accounts: () => govAccounts,
    });
    renderWithClient(<SignIn />);
    const row = await screen.findByTestId("sso-session-ecsdesk-demo-gov");
    expect(within(row).getByTestId("sso-status").textContent).toBe("Not signed in");
    expect(within(row).getByTestId("partition-badge").textContent).toBe("GovCloud");
    await userEvent.click(screen.getByTestId("sso-login-browser"));
    const url = await screen.findByTestId<HTMLInputElement>("sso-authorize-url");
    expect(url.value).toContain("/authorize?client_id=x");
    expect(screen.getByTestId("sso-browser-step").textContent).toContain("Open this address in your browser");
    expect(screen.getByTestId("sso-waiting").textContent).toContain("Waiting");
    expect(calls.find((c) => c.command === "sso_login_start")?.args).toMatchObject({
      session: "ecsdesk-demo-gov",
      method: "browser",
    });

    await userEvent.click(screen.getByTestId("sso-login-cancel"));
    expect(screen.queryByTestId("sso-browser-step")).toBeNull();
    expect(calls.some((c) => c.command === "sso_login_cancel")).toBe(true);

    await userEvent.click(screen.getByTestId("sso-login-browser"));
    await screen.findByTestId("sso-authorize-url");
    status = { ...govStatus, signedIn: true, expiresAt: inHours(8), refreshable: true };
    act(() => {
      lastChannel(calls).onmessage({ kind: "exchanging" });
    });
    expect(screen.getByTestId("sso-waiting").textContent).toContain("Finishing");
    act(() => {
      lastChannel(calls).onmessage({ kind: "signedIn", status });
    });
    await screen.findByTestId("account-picker");
    await screen.findByTestId("account-row-210987654321");
    expect(within(screen.getByTestId("sso-session-ecsdesk-demo-gov")).getByTestId("sso-status").textContent).toMatch(
      /^Signed in · (7h 5\dm|8h 00m) left$/,
    );
  });

  it("shows a device code large with its expiry countdown, and a failure with a retry", async () => {
    const calls = fakeBridge(invoke, {
      list_profiles: () => [],
      list_partitions: () => partitions,
      list_sso_sessions: () => [govStatus],
      sso_login_start: () => ({
        progress: {
          kind: "deviceCode",
          userCode: "WDJB-MJHT",
          verificationUri: "https://device.sso.us-gov-west-1.amazonaws.com/",
          verificationUriComplete: "https://device.sso.us-gov-west-1.amazonaws.com/?user_code=WDJB-MJHT",
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
        },
        browserOpened: true,
      }),
    });
    renderWithClient(<SignIn />);
    await userEvent.click(await screen.findByTestId("sso-login-device"));
    const code = await screen.findByTestId("sso-user-code");
    expect(code.textContent).toBe("WDJB-MJHT");
    expect(code.closest(".copy-field")?.className).toContain("copy-field-large");
    expect(screen.getByTestId<HTMLInputElement>("sso-verification-url").value).toContain("user_code=WDJB-MJHT");
    expect(screen.getByTestId("sso-code-expiry").textContent).toMatch(/works for (9m 5\ds|10m 00s) more/);
    act(() => {
      lastChannel(calls).onmessage({ kind: "slowDown", intervalSeconds: 10n });
    });
    expect(screen.getByTestId("sso-slow-down").textContent).toContain("every 10 s");
    act(() => {
      lastChannel(calls).onmessage({
        kind: "failed",
        error: { code: "SignInRequired", message: "The sign-in code expired.", retryable: false },
      });
    });
    const panel = await screen.findByTestId("error-panel");
    expect(within(panel).getByTestId("error-code").textContent).toBe("SignInRequired");
    await userEvent.click(within(panel).getByTestId("retry-button"));
    await waitFor(() => {
      expect(calls.filter((c) => c.command === "sso_login_start").length).toBe(2);
    });
    expect(calls.at(-1)?.args).toMatchObject({ method: "deviceCode" });
  });

  it("lists accounts favourites first, searches, stars, and opens a role in the preselected GovCloud region", async () => {
    let favourites = ["210987654322"];
    const opened: SessionInfo = {
      id: "ecsdesk-demo-gov/210987654321/OperatorAccess",
      profile: "ecsdesk-demo-gov/210987654321/OperatorAccess",
      partition: "aws-us-gov",
      accountId: "210987654321",
      accountName: "tak-govcloud-prod",
      arn: "arn:aws-us-gov:sts::210987654321:assumed-role/OperatorAccess/me",
      region: "us-gov-east-1",
      ssoSession: "ecsdesk-demo-gov",
      roleName: "OperatorAccess",
    };
    const calls = fakeBridge(invoke, {
      list_partitions: () => partitions,
      list_sso_accounts: () => govAccounts.map((a) => ({ ...a, favourite: favourites.includes(a.accountId) })),
      set_favourite: (args) => {
        favourites = args.favourite === true ? [...favourites, String(args.accountId)] : favourites.filter((f) => f !== args.accountId);
        return favourites;
      },
      list_sso_roles: (args) => [
        { accountId: String(args.accountId), roleName: "OperatorAccess" },
        { accountId: String(args.accountId), roleName: "ReadOnlyAccess" },
      ],
      open_sso_session: () => opened,
    });
    renderWithClient(<AccountPicker status={{ ...govStatus, signedIn: true, expiresAt: inHours(8) }} />);
    await screen.findByTestId("account-row-210987654321");
    const names = () => screen.getAllByTestId(/^account-row-/).map((el) => el.dataset.accountName);
    expect(names()).toEqual(["tak-govcloud-dev", "tak-govcloud-prod"]);

    await userEvent.click(screen.getByTestId("account-star-210987654321"));
    await waitFor(() => {
      expect(screen.getByTestId("account-star-210987654321").getAttribute("aria-pressed")).toBe("true");
    });
    expect(calls.find((c) => c.command === "set_favourite")?.args).toEqual({
      session: "ecsdesk-demo-gov",
      accountId: "210987654321",
      favourite: true,
    });

    await userEvent.type(screen.getByTestId("account-search"), "210987654321");
    expect(names()).toEqual(["tak-govcloud-prod"]);
    await userEvent.clear(screen.getByTestId("account-search"));
    await userEvent.type(screen.getByTestId("account-search"), "nothing");
    expect(screen.getByTestId("no-account-match")).toBeTruthy();
    await userEvent.clear(screen.getByTestId("account-search"));

    const region = screen.getByTestId<HTMLSelectElement>("account-region-select");
    await waitFor(() => {
      expect(region.value).toBe("us-gov-east-1");
    });
    expect(Array.from(region.options).map((o) => o.value)).toEqual(["us-gov-east-1", "us-gov-west-1"]);
    await userEvent.click(screen.getByTestId("account-row-210987654321"));
    const open = await screen.findByTestId("open-role-OperatorAccess");
    expect(open.textContent).toBe("Open in us-gov-east-1");
    expect(within(screen.getByTestId("role-row-ReadOnlyAccess")).getByText("view only")).toBeTruthy();
    await userEvent.click(open);
    await waitFor(() => {
      expect(window.location.hash).toBe(`#/s/${encodeURIComponent(opened.id)}`);
    });
    expect(calls.find((c) => c.command === "open_sso_session")?.args).toEqual({
      session: "ecsdesk-demo-gov",
      accountId: "210987654321",
      roleName: "OperatorAccess",
      region: "us-gov-east-1",
    });
  });

  it("marks SSO tabs with the sign-in countdown and signs out of the portal from the tab", async () => {
    const session: SessionInfo = {
      id: "ecsdesk-demo/123456789012/OperatorAccess",
      profile: "ecsdesk-demo/123456789012/OperatorAccess",
      partition: "aws",
      accountId: "123456789012",
      accountName: "tak-commercial-staging",
      arn: "arn:aws:sts::123456789012:assumed-role/OperatorAccess/me",
      region: "us-east-1",
      ssoSession: "ecsdesk-demo",
      roleName: "OperatorAccess",
    };
    let open = [session];
    const calls = fakeBridge(invoke, {
      list_sessions: () => open,
      list_partitions: () => partitions,
      list_sso_sessions: () => [comStatus],
      sso_logout: () => {
        open = [];
        return [session.id];
      },
    });
    window.location.hash = `#/s/${encodeURIComponent(session.id)}`;
    renderWithClient(<Header route={{ view: "clusters", sessionId: session.id }} />);
    const expiry = await screen.findByTestId("session-expiry");
    expect(expiry.textContent).toMatch(/^(7h 5\dm|8h 00m)$/);
    expect(screen.getByTestId("session-tab").textContent).toContain("OperatorAccess");
    await userEvent.click(screen.getByTestId("session-signout"));
    await waitFor(() => {
      expect(calls.find((c) => c.command === "sso_logout")?.args).toEqual({ session: "ecsdesk-demo" });
    });
    await waitFor(() => {
      expect(window.location.hash).toBe("#/signin");
    });
  });
});
