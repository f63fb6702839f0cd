import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import {
  ssoLoginCancel,
  ssoLoginStart,
  toApiError,
  type ApiError,
  type LoginMethod,
  type LoginProgress,
  type SsoSessionStatus,
} from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { PartitionBadge } from "../components/PartitionBadge";
import { CopyField } from "./CopyField";
import { useNow } from "../clock";
import { queryKeys } from "../query/keys";
import { formatRemaining, secondsLeft } from "./countdown";

type Phase =
  | { step: "idle" }
  | { step: "starting"; method: LoginMethod }
  | { step: "browser"; url: string; opened: boolean; exchanging: boolean }
  | {
      step: "device";
      userCode: string;
      verificationUri: string;
      verificationUriComplete: string | null;
      expiresAt: string;
      opened: boolean;
      note: string | null;
      exchanging: boolean;
    }
  | { step: "failed"; error: ApiError; method: LoginMethod };

/** Sign-in to one sso-session: browser (default) or device code, with waiting state and cancel. */
export function SsoLogin({
  status,
  onSignedIn,
}: {
  status: SsoSessionStatus;
  onSignedIn?: (status: SsoSessionStatus) => void;
}) {
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const client = useQueryClient();
  const attempt = useRef(0);
  const session = status.session;

  // A sign-in still running when the panel goes away is cancelled.
  const running = phase.step === "browser" || phase.step === "device" || phase.step === "starting";
  useEffect(() => {
    if (!running) return;
    return () => {
      void ssoLoginCancel(session).catch(() => undefined);
    };
  }, [running, session]);

  const start = (method: LoginMethod) => {
    attempt.current += 1;
    const mine = attempt.current;
    setPhase({ step: "starting", method });
    const onProgress = (p: LoginProgress) => {
      if (attempt.current !== mine) return;
      switch (p.kind) {
        case "signedIn":
          setPhase({ step: "idle" });
          client.setQueryData<SsoSessionStatus[]>(queryKeys.sso.sessions(), (old) =>
            old?.map((s) => (s.session === p.status.session ? p.status : s)),
          );
          void client.invalidateQueries({ queryKey: queryKeys.sso.sessions() });
          void client.invalidateQueries({ queryKey: queryKeys.sso.accounts(session) });
          onSignedIn?.(p.status);
          break;
        case "failed":
          if (p.error.code === "Cancelled") setPhase({ step: "idle" });
          else setPhase({ step: "failed", error: toApiError(p.error), method });
          break;
        case "exchanging":
          setPhase((cur) => (cur.step === "browser" || cur.step === "device" ? { ...cur, exchanging: true } : cur));
          break;
        case "slowDown":
          setPhase((cur) =>
            cur.step === "device"
              ? { ...cur, note: `AWS asked ECS Desk to check less often (every ${String(p.intervalSeconds)} s).` }
              : cur,
          );
          break;
        default:
          break;
      }
    };
    ssoLoginStart(session, method, onProgress).then(
      (started) => {
        if (attempt.current !== mine) return;
        const p = started.progress;
        setPhase((cur) => {
          // The sign-in may already have finished (a fast browser) before this reply.
          if (cur.step !== "starting") return cur;
          if (p.kind === "openBrowser") return { step: "browser", url: p.url, opened: started.browserOpened, exchanging: false };
          if (p.kind === "deviceCode") {
            return {
              step: "device",
              userCode: p.userCode,
              verificationUri: p.verificationUri,
              verificationUriComplete: p.verificationUriComplete,
              expiresAt: p.expiresAt,
              opened: started.browserOpened,
              note: null,
              exchanging: false,
            };
          }
          return cur;
        });
      },
      (error: unknown) => {
        if (attempt.current !== mine) return;
        setPhase({ step: "failed", error: toApiError(error), method });
      },
    );
  };

  const cancel = () => {
    attempt.current += 1;
    setPhase({ step: "idle" });
    void ssoLoginCancel(session).catch(() => undefined);
  };

  const gov = status.partition === "aws-us-gov";
  return (
    <div className={gov ? "sso-login gov" : "sso-login"} data-testid="sso-login" data-session={session}>
      <p className="sso-login-head">
        Sign in to <strong>{session}</strong> <PartitionBadge partition={status.partition} testId="sso-login-badge" />
        <span className="muted sso-start-url">{status.startUrl}</span>
      </p>
      {(phase.step === "idle" || phase.step === "failed") && (
        <div className="sso-login-actions">
          <button
            type="button"
            className="button primary"
            onClick={() => {
              start("browser");
            }}
            data-testid="sso-login-browser"
          >
            Sign in with browser
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              start("deviceCode");
            }}
            data-testid="sso-login-device"
          >
            Use a device code instead
          </button>
        </div>
      )}
      {phase.step === "failed" && (
        <ErrorPanel
          title="The sign-in did not finish"
          error={phase.error}
          onRetry={() => {
            start(phase.method);
          }}
        />
      )}
      {phase.step === "starting" && (
        <p className="sso-waiting" data-testid="sso-login-starting" role="status">
          <span className="spinner" aria-hidden="true" /> Preparing the sign-in…
        </p>
      )}
      {phase.step === "browser" && <BrowserStep phase={phase} onCancel={cancel} />}
      {phase.step === "device" && <DeviceStep phase={phase} onCancel={cancel} />}
    </div>
  );
}

function BrowserStep({
  phase,
  onCancel,
}: {
  phase: Extract<Phase, { step: "browser" }>;
  onCancel: () => void;
}) {
  return (
    <div className="sso-step" data-testid="sso-browser-step">
      <p>
        {phase.opened
          ? "Your browser opened the AWS sign-in page. Approve the request there; ECS Desk continues by itself."
          : "Open this address in your browser and approve the request; ECS Desk continues by itself."}
      </p>
      <CopyField value={phase.url} label="Sign-in address" testId="sso-authorize-url" />
      <p className="sso-waiting" role="status" data-testid="sso-waiting">
        <span className="spinner" aria-hidden="true" />
        {phase.exchanging ? "Approved. Finishing the sign-in…" : "Waiting for you to approve in the browser…"}
      </p>
      <button type="button" className="button" onClick={onCancel} data-testid="sso-login-cancel">
        Cancel
      </button>
    </div>
  );
}

function DeviceStep({
  phase,
  onCancel,
}: {
  phase: Extract<Phase, { step: "device" }>;
  onCancel: () => void;
}) {
  const now = useNow();
  const left = secondsLeft(phase.expiresAt, now);
  return (
    <div className="sso-step" data-testid="sso-device-step">
      <p>
        Go to the page below{phase.opened ? " (your browser opened it)" : ""} and enter this code:
      </p>
      <CopyField value={phase.userCode} label="Device code" testId="sso-user-code" large />
      <p className="field-label">Page</p>
      <CopyField value={phase.verificationUriComplete ?? phase.verificationUri} label="Verification page" testId="sso-verification-url" />
      <p className={left < 60 ? "sso-expiry warn-text" : "sso-expiry muted"} data-testid="sso-code-expiry">
        {left > 0 ? `The code works for ${formatRemaining(phase.expiresAt, now)} more.` : "The code has expired. Cancel and start again."}
      </p>
      {phase.note !== null && (
        <p className="muted" data-testid="sso-slow-down">
          {phase.note}
        </p>
      )}
      <p className="sso-waiting" role="status" data-testid="sso-waiting">
        <span className="spinner" aria-hidden="true" />
        {phase.exchanging ? "Approved. Finishing the sign-in…" : "Waiting for the code to be approved…"}
      </p>
      <button type="button" className="button" onClick={onCancel} data-testid="sso-login-cancel">
        Cancel
      </button>
    </div>
  );
}
