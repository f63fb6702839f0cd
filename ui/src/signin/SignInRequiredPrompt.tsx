import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { toApiError, type SessionInfo, type SsoSessionStatus } from "../api";
import { PartitionBadge } from "../components/PartitionBadge";
import { SkeletonRows } from "../components/Skeleton";
import { DIALOG_CLOSE, useDialog } from "../components/useDialog";
import { queryKeys, ssoSessionOfKey } from "../query/keys";
import { useSsoSessions } from "./queries";
import { SsoLogin } from "./SsoLogin";
import "./signin.css";

/**
 * Watches every query: when one fails with `SignInRequired`, asks for a new sign-in in a dialog
 * over the current view (the route stays as it is), then retries the queries that failed.
 */
export function SignInRequiredPrompt() {
  const client = useQueryClient();
  const [needed, setNeeded] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<string[]>([]);
  const statuses = useSsoSessions(needed !== null);

  useEffect(
    () =>
      client.getQueryCache().subscribe((event) => {
        if (event.type !== "updated" || event.action.type !== "error") return;
        if (toApiError(event.action.error).code !== "SignInRequired") return;
        const session = ssoSessionOfKey(event.query.queryKey as readonly unknown[], client.getQueryData<SessionInfo[]>(queryKeys.sessions()));
        if (session !== undefined) {
          setNeeded((cur) => cur ?? session);
          void client.invalidateQueries({ queryKey: queryKeys.sso.sessions() });
        }
      }),
    [client],
  );

  if (needed === null || dismissed.includes(needed)) return null;
  return (
    <SignInRequiredDialog
      session={needed}
      status={statuses.data?.find((s) => s.session === needed)}
      onSignedIn={() => {
        setNeeded(null);
        void client.refetchQueries({ predicate: (q) => q.state.status === "error" });
      }}
      onDismiss={() => {
        setDismissed([...dismissed, needed]);
        setNeeded(null);
      }}
    />
  );
}

/** The dialog itself, mounted only while shown so that it takes the focus and gives it back. */
function SignInRequiredDialog({
  session,
  status,
  onSignedIn,
  onDismiss,
}: {
  session: string;
  status: SsoSessionStatus | undefined;
  onSignedIn: () => void;
  onDismiss: () => void;
}) {
  const dialog = useDialog(onDismiss);
  const gov = status?.partition === "aws-us-gov";
  return (
    <div className="modal-backdrop" data-testid="signin-required">
      <div
        ref={dialog}
        tabIndex={-1}
        className={gov ? "modal gov" : "modal"}
        role="dialog"
        aria-modal="true"
        aria-labelledby="signin-required-title"
        data-session={session}
        data-partition={status?.partition ?? ""}
      >
        <h2 id="signin-required-title">
          Sign in again to {session} {status !== undefined && <PartitionBadge partition={status.partition} testId="signin-required-badge" />}
        </h2>
        <p>
          Your sign-in{gov ? " to GovCloud (US)" : ""} has ended and could not be renewed. Sign in again to carry on; this
          page stays where it is and reloads when you are back.
        </p>
        {status === undefined ? (
          <SkeletonRows label="Loading the sign-in" rows={2} />
        ) : (
          <SsoLogin status={status} onSignedIn={onSignedIn} />
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onDismiss} data-testid="signin-required-dismiss" {...DIALOG_CLOSE}>
            Not now
          </button>
        </div>
      </div>
    </div>
  );
}
