import { useMutation } from "@tanstack/react-query";
import { openConsole, type ConsoleTarget, type SessionInfo } from "../api";
import { ErrorPanel } from "./ErrorPanel";

/** A button opening a resource's page in the AWS console (the right one for the partition). */
export function ConsoleButton({ session, target, label = "Open in AWS console ↗", testId = "open-console", compact = false }: {
  session: SessionInfo;
  target: ConsoleTarget;
  label?: string;
  testId?: string;
  /** A smaller button, for a table row. */
  compact?: boolean;
}) {
  const open = useMutation({ mutationFn: () => openConsole(session.partition, session.region, target) });
  return (
    <>
      <button
        type="button"
        className={compact ? "button small" : "button"}
        onClick={() => {
          open.mutate();
        }}
        title={open.data ?? `Opens the ${session.partition === "aws-us-gov" ? "GovCloud" : "commercial"} AWS console in your browser`}
        data-testid={testId}
      >
        {label}
      </button>
      {open.isError && <ErrorPanel title="Could not open the AWS console" error={open.error} />}
    </>
  );
}
