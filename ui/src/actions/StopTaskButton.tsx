// "Stop task…" on the task page: plans and confirms like every action, then shows the service
// page, where the progress and the verdict are followed.
import { useState } from "react";
import type { SessionInfo } from "../api";
import { navigate } from "../route";
import { ActionDialog } from "./ActionDialog";

/** The stop button of one task of `service`. */
export function StopTaskButton({
  session,
  cluster,
  service,
  taskId,
  running,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  taskId: string;
  running: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={!running}
        title={running ? undefined : "Only a running task can be stopped."}
        onClick={() => {
          setOpen(true);
        }}
        data-testid="task-stop"
      >
        Stop task…
      </button>
      {open && (
        <ActionDialog
          session={session}
          cluster={cluster}
          service={service}
          start={{ kind: "stopTask", task: taskId }}
          onClose={() => {
            setOpen(false);
          }}
          onStarted={() => {
            setOpen(false);
            navigate({ view: "service", sessionId: session.id, cluster, service });
          }}
          onUpdate={() => undefined}
        />
      )}
    </>
  );
}
