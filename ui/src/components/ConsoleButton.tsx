import { useMutation } from "@tanstack/react-query";
import { openConsole, type ConsoleTarget, type SessionInfo } from "../api";
import { ErrorPanel } from "./ErrorPanel";

/** What the button's tooltip says before it is used: which console, and as whom. */
export function consoleTitle(session: SessionInfo): string {
  const which = session.partition === "aws-us-gov" ? "GovCloud" : "commercial";
  return session.roleName === undefined
    ? `Opens the ${which} AWS console in your browser, signed in as ${session.accountName ?? session.accountId} through AWS sign-in (federation)`
    : `Opens the ${which} AWS console in your browser, signed in as ${session.roleName} in ${session.accountName ?? session.accountId} through your access portal`;
}

/** A button opening a resource's page in the AWS console (the right one for the partition), signed in as the session: through the access portal, or AWS sign-in for keys and assumed roles. */
export function ConsoleButton({ session, target, label = "Open in AWS console ↗", testId = "open-console", compact = false }: {
  session: SessionInfo;
  target: ConsoleTarget;
  label?: string;
  testId?: string;
  /** A smaller button, for a table row. */
  compact?: boolean;
}) {
  const open = useMutation({ mutationFn: () => openConsole(session.id, target) });
  return (
    <>
      <button
        type="button"
        className={compact ? "button small" : "button"}
        onClick={() => {
          open.mutate();
        }}
        disabled={open.isPending}
        title={consoleTitle(session)}
        data-signed-in="true"
        data-testid={testId}
      >
        {label}
      </button>
      {open.isSuccess && !compact && (
        <span className="cell-note" role="status" data-testid={`${testId}-opened`} data-signed-in={open.data.signedIn ? "true" : "false"}>
          Opened in your browser, {open.data.how}.
        </span>
      )}
      {open.isError && <ErrorPanel title="Could not open the AWS console" error={open.error} />}
    </>
  );
}
