import type { SessionInfo } from "../api";
import { navigate } from "../route";
import { useNow } from "../clock";
import { formatRemaining, secondsLeft } from "./countdown";
import { useSsoLogout, useSsoSessions } from "./queries";

/** For a session signed in through SSO: the sign-in's countdown and a sign-out, for its tab. */
export function SessionExpiry({ session, activeId }: { session: SessionInfo; activeId: string | null }) {
  const sso = session.ssoSession;
  const statuses = useSsoSessions(sso !== undefined);
  const now = useNow();
  const logout = useSsoLogout();
  if (sso === undefined) return null;
  const status = statuses.data?.find((s) => s.session === sso);
  if (status === undefined) return null;
  const left = status.signedIn ? secondsLeft(status.expiresAt, now) : 0;
  const text = status.signedIn ? formatRemaining(status.expiresAt, now) : "signed out";
  return (
    <>
      <span
        className={left > 0 && left < 15 * 60 ? "tab-expiry warn-text" : left > 0 ? "tab-expiry" : "tab-expiry bad-text"}
        data-testid="session-expiry"
        title={status.expiresAt === null ? `Sign-in to ${sso}` : `Sign-in to ${sso} ends ${new Date(status.expiresAt).toLocaleString()}`}
      >
        {/* An icon, not the ⏱ character: common Linux fonts have no glyph for it (an empty box). */}
        <svg className="tab-expiry-icon" viewBox="0 0 16 16" width="11" height="11" aria-hidden="true">
          <circle cx="8" cy="9" r="6" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M8 5.5V9l2.2 1.6M6 1.5h4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        {text}
      </span>
      <button
        type="button"
        className="session-signout"
        aria-label={`Sign out of ${sso}`}
        title={`Sign out of ${sso} (closes every tab opened through it)`}
        disabled={logout.isPending}
        onClick={() => {
          logout.mutate(sso, {
            onSuccess: (closed) => {
              if (activeId !== null && closed.includes(activeId)) navigate({ view: "signin" });
            },
          });
        }}
        data-testid="session-signout"
      >
        Sign out
      </button>
    </>
  );
}
