import type { SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { formatTime } from "../format";
import { useStoppedDiagnoses } from "./queries";

/** The Stopped tasks tab: why each recent task stopped, in plain words. */
export function StoppedTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const stopped = useStoppedDiagnoses(session, cluster, service);
  if (stopped.isPending) return <SkeletonRows rows={3} label="Loading stopped tasks" />;
  if (stopped.isError) return <ErrorPanel title="Could not list the stopped tasks" error={stopped.error} onRetry={() => void stopped.refetch()} retrying={stopped.isFetching} />;
  if (stopped.data.length === 0) {
    return (
      <EmptyState testId="empty-stopped-diagnoses" title="No recently stopped tasks.">
        <p>ECS keeps stopped tasks for about an hour.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="stopped-list" data-testid="stopped-tab">
      {stopped.data.map((t) => (
        <li key={t.arn} className={`stopped-item cause-${t.diagnosis.cause}`} data-testid="stopped-item" data-cause={t.diagnosis.cause}>
          <div className="stopped-head">
            <strong data-testid="diagnosis-title">{t.diagnosis.title}</strong>
            <span className="muted">
              {" "}
              · task <span className="mono">{t.id}</span> · {t.taskDefinition} · stopped {formatTime(t.stoppedAt)}
            </span>
          </div>
          <p data-testid="diagnosis-advice">{t.diagnosis.advice}</p>
          <dl className="facts compact">
            <div>
              <dt>Stop code</dt>
              <dd>{t.stopCode ?? "—"}</dd>
            </div>
            <div>
              <dt>ECS says</dt>
              <dd>{t.stoppedReason ?? "—"}</dd>
            </div>
            {t.containers.map((c) => (
              <div key={c.name}>
                <dt>Container {c.name}</dt>
                <dd data-testid="container-exit">
                  exit code {c.exitCode ?? "—"}
                  {c.reason !== null && <> · {c.reason}</>}
                </dd>
              </div>
            ))}
          </dl>
          {t.lastLines.length > 0 && (
            <details>
              <summary>Last log lines</summary>
              <pre className="last-lines" data-testid="last-lines">
                {t.lastLines.join("\n")}
              </pre>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}
