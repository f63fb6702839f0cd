import { useState } from "react";
import { toApiError, type SsoSessionStatus } from "../api";
import { useNow } from "../clock";
import { ErrorPanel } from "../components/ErrorPanel";
import { PartitionBadge } from "../components/PartitionBadge";
import { useListbox } from "../components/useListbox";
import { SkeletonRows } from "../components/Skeleton";
import { AccountPicker } from "./AccountPicker";
import { AddSsoSession } from "./AddSsoSession";
import { formatRemaining } from "./countdown";
import { useKeyringAvailable, useSsoLogout, useSsoSessions } from "./queries";
import { SsoLogin } from "./SsoLogin";
import "./signin.css";

/** "Signed in · 7h 59m left" or "Not signed in". */
export function SsoStatusText({ status, now }: { status: SsoSessionStatus; now: number }) {
  return status.signedIn ? (
    <span className="sso-status signed-in" data-testid="sso-status" data-signed-in="true">
      Signed in · {formatRemaining(status.expiresAt, now)} left
    </span>
  ) : (
    <span className="sso-status" data-testid="sso-status" data-signed-in="false">
      Not signed in
    </span>
  );
}

/** Where sign-ins are kept when the system has no keyring (nothing is shown when it has one). */
export function NoKeyringNote() {
  const keyring = useKeyringAvailable();
  if (keyring.data !== false) return null;
  return (
    <p className="muted" data-testid="sso-no-keyring">
      No system keyring: sign-ins are kept in the AWS CLI&apos;s cache file (readable only by you), role keys in memory until you
      quit.
    </p>
  );
}

/**
 * AWS access portals (sso-sessions): each one's sign-in state, signing in, and, once signed in,
 * its accounts and roles. With nothing configured at all (`firstRun`), it welcomes the user and
 * asks for the portal's start URL.
 */
export function SsoPanel({ firstRun }: { firstRun: boolean }) {
  const sessions = useSsoSessions();
  const now = useNow();
  const [chosen, setChosen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const logout = useSsoLogout();
  const list = sessions.data ?? [];
  const selected = list.find((s) => s.session === chosen) ?? list.find((s) => s.signedIn) ?? list[0];
  const listbox = useListbox({
    items: list,
    keyOf: (s) => s.session,
    labelOf: (s) => s.session,
    selected: selected?.session ?? null,
    onSelect: (s) => {
      setChosen(s.session);
    },
  });

  if (sessions.isPending) return <SkeletonRows label="Loading AWS access portals" rows={2} />;
  if (sessions.isError) {
    return (
      <section className="card sso-card" data-testid="sso-panel">
        <h2>AWS access portals (SSO)</h2>
        <InlineError
          testId="sso-sessions-error"
          title="Could not read the SSO settings of your AWS config"
          error={sessions.error}
          onRetry={() => void sessions.refetch()}
        />
      </section>
    );
  }
  if (list.length === 0 && firstRun) {
    return (
      <section className="card sso-card first-run" data-testid="sso-first-run">
        <h2>Welcome to ECS Desk</h2>
        <p>
          Sign in the way you sign in to the AWS console: with your organisation&apos;s AWS access portal. Enter its start URL
          and region once; ECS Desk remembers them.
        </p>
        <AddSsoSession
          onAdded={(s) => {
            setChosen(s.session);
          }}
        />
        <NoKeyringNote />
      </section>
    );
  }
  return (
    <section className="card sso-card" data-testid="sso-panel" aria-labelledby="sso-title">
      <div className="card-head">
        <h2 id="sso-title">AWS access portals (SSO)</h2>
        {!adding && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setAdding(true);
            }}
            data-testid="sso-add"
          >
            + Add start URL
          </button>
        )}
      </div>
      <NoKeyringNote />
      {adding && (
        <AddSsoSession
          onAdded={(s) => {
            setAdding(false);
            setChosen(s.session);
          }}
          onCancel={() => {
            setAdding(false);
          }}
        />
      )}
      {list.length === 0 && !adding && (
        <p className="muted" data-testid="sso-none">
          No access portal is set up. Add your organisation&apos;s SSO start URL to sign in with it.
        </p>
      )}
      {selected !== undefined && (
        <div className="sso-grid">
          <ul className="sso-list" aria-label="Access portals" {...listbox.listProps}>
            {list.map((s, i) => (
              <li
                key={s.session}
                {...listbox.optionProps(s, i)}
                className={`sso-row${s.session === selected.session ? " selected" : ""}${s.partition === "aws-us-gov" ? " gov" : ""}`}
                data-testid={`sso-session-${s.session}`}
                data-partition={s.partition}
                data-signed-in={s.signedIn ? "true" : "false"}
              >
                <span className="sso-row-top">
                  <span className="sso-name">{s.session}</span>
                  <PartitionBadge partition={s.partition} />
                </span>
                <SsoStatusText status={s} now={now} />
              </li>
            ))}
          </ul>
          <div className="sso-detail" data-testid="sso-detail" data-session={selected.session}>
            {selected.signedIn ? (
              <>
                <div className="sso-detail-head">
                  <span>
                    <strong>{selected.session}</strong> <PartitionBadge partition={selected.partition} testId="sso-detail-badge" />{" "}
                    <SsoStatusText status={selected} now={now} />
                  </span>
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      logout.mutate(selected.session);
                    }}
                    disabled={logout.isPending}
                    data-testid="sso-sign-out"
                  >
                    {logout.isPending ? "Signing out…" : "Sign out"}
                  </button>
                </div>
                {logout.isError && <ErrorPanel title="Could not sign out" error={logout.error} />}
                <AccountPicker key={selected.session} status={selected} />
              </>
            ) : (
              <SsoLogin
                key={selected.session}
                status={selected}
                onSignedIn={() => {
                  setChosen(selected.session);
                }}
              />
            )}
          </div>
        </div>
      )}
    </section>
  );
}

/** A compact error of the portal list (kept apart from the page's main error panels). */
function InlineError({
  testId,
  title,
  error,
  onRetry,
}: {
  testId: string;
  title: string;
  error: unknown;
  onRetry: () => void;
}) {
  const e = toApiError(error);
  return (
    <div className="inline-error" role="alert" data-testid={testId} data-code={e.code}>
      <strong>{title}</strong>
      <p>{e.message}</p>
      <p className="muted">Error code: {e.code}</p>
      <button type="button" className="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
