import { useQuery } from "@tanstack/react-query";
import { invoke } from "@tauri-apps/api/core";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api";
import type { SessionInfo } from "../api";
import { queryKeys } from "../query/keys";
import { expectNoAxeViolations } from "../test/axe";
import { fakeBridge, renderWithClient } from "../test/fixtures";
import { govStatus, inHours, lastChannel } from "../test/ssoFixtures";
import { SignInRequiredPrompt } from "./SignInRequiredPrompt";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));

describe("SignInRequiredPrompt", () => {
  beforeEach(() => {
    vi.mocked(invoke).mockReset();
  });

  it("asks for a new sign-in over the current view and retries the failed query after it", async () => {
    const session: SessionInfo = {
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
    let signedIn = false;
    let attempts = 0;
    const calls = fakeBridge(invoke, {
      list_sessions: () => [session],
      list_sso_sessions: () => [{ ...govStatus, signedIn, expiresAt: signedIn ? inHours(8) : null }],
      list_clusters: () => {
        attempts += 1;
        if (!signedIn) throw { code: "SignInRequired", message: "Your sign-in to ecsdesk-demo-gov has ended.", retryable: false };
        return [];
      },
      sso_login_start: () => ({ progress: { kind: "openBrowser", url: "https://oidc.example/authorize" }, browserOpened: true }),
    });
    function View() {
      const sessions = useQuery({ queryKey: queryKeys.sessions(), queryFn: api.listSessions });
      const clusters = useQuery({
        queryKey: queryKeys.browse.clusters(session),
        queryFn: () => api.listClusters(session.id),
        enabled: sessions.isSuccess,
      });
      return <p data-testid="view">{clusters.isSuccess ? "loaded" : clusters.isError ? "failed" : "loading"}</p>;
    }
    renderWithClient(
      <>
        <View />
        <SignInRequiredPrompt />
      </>,
    );
    const prompt = await screen.findByTestId("signin-required");
    expect(screen.getByTestId("view").textContent).toBe("failed");
    const dialog = within(prompt).getByRole("dialog");
    expect(dialog.dataset.session).toBe("ecsdesk-demo-gov");
    await waitFor(() => {
      expect(dialog.dataset.partition).toBe("aws-us-gov");
    });
    expect(within(dialog).getByTestId("signin-required-badge").textContent).toBe("GovCloud");
    expect(dialog.textContent).toContain("GovCloud (US)");
    await userEvent.click(within(dialog).getByTestId("sso-login-browser"));
    await within(dialog).findByTestId("sso-authorize-url");
    signedIn = true;
    act(() => {
      lastChannel(calls).onmessage({ kind: "signedIn", status: { ...govStatus, signedIn: true, expiresAt: inHours(8) } });
    });
    await waitFor(() => {
      expect(screen.getByTestId("view").textContent).toBe("loaded");
    });
    expect(screen.queryByTestId("signin-required")).toBeNull();
    expect(attempts).toBe(2);
  });

  it("takes the focus, passes axe, and Escape dismisses it like Not now, giving the focus back", async () => {
    const session: SessionInfo = {
      id: "s-sso",
      profile: "ecsdesk-demo-gov/210987654321/OperatorAccess",
      partition: "aws-us-gov",
      accountId: "210987654321",
      accountName: null,
      arn: "arn",
      region: "us-gov-east-1",
      ssoSession: "ecsdesk-demo-gov",
      roleName: "OperatorAccess",
    };
    fakeBridge(invoke, {
      list_sessions: () => [session],
      list_sso_sessions: () => [govStatus],
      list_clusters: () => {
        throw { code: "SignInRequired", message: "ended", retryable: false };
      },
    });
    function View() {
      const sessions = useQuery({ queryKey: queryKeys.sessions(), queryFn: api.listSessions });
      useQuery({ queryKey: queryKeys.browse.clusters(session), queryFn: () => api.listClusters(session.id), enabled: sessions.isSuccess });
      return (
        <button type="button" data-testid="here">
          here
        </button>
      );
    }
    renderWithClient(
      <>
        <View />
        <SignInRequiredPrompt />
      </>,
    );
    const here = screen.getByTestId("here");
    here.focus();
    const prompt = await screen.findByTestId("signin-required");
    const dialog = within(prompt).getByRole("dialog");
    expect(dialog.contains(document.activeElement)).toBe(true);
    await within(dialog).findByTestId("sso-login-browser");
    await expectNoAxeViolations(dialog);
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("signin-required")).toBeNull();
    expect(document.activeElement).toBe(here);
  });
});
