import { useState } from "react";
import type { SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { UpdatedAgo } from "../components/UpdatedAgo";
import { HealthDot } from "./HealthDot";
import { useServiceHealth } from "./queries";
import { ThresholdsForm } from "./ThresholdsEditor";

/** The service's health in colour and a sentence, with every finding below. */
export function HealthBanner({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const health = useServiceHealth(session, cluster, service);
  const [editing, setEditing] = useState(false);
  if (health.isError) {
    return (
      <ErrorPanel
        title="Could not check the service's health"
        error={health.error}
        onRetry={() => void health.refetch()}
        retrying={health.isFetching}
      />
    );
  }
  const h = health.data;
  return (
    <section
      className={`health-banner health-${h?.level ?? "unknown"}`}
      data-testid="health-banner"
      data-level={h?.level ?? "unknown"}
      aria-live="polite"
    >
      <div className="health-banner-head">
        <HealthDot level={h?.level ?? null} testId="health-banner-dot" />
        <strong data-testid="health-summary">{h === undefined ? "Checking the service's health…" : h.summary}</strong>
        <span className="toolbar-spacer" />
        <UpdatedAgo updatedAt={health.dataUpdatedAt} fetching={health.isFetching} />
        <button
          type="button"
          className="button"
          aria-expanded={editing}
          onClick={() => {
            setEditing(!editing);
          }}
          data-testid="thresholds-open"
        >
          Thresholds…
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void health.refetch()}
          disabled={health.isFetching}
          data-testid="health-refresh"
        >
          Refresh
        </button>
      </div>
      {editing && (
        <ThresholdsForm
          session={session}
          cluster={cluster}
          service={service}
          onClose={() => {
            setEditing(false);
          }}
        />
      )}
      {h !== undefined && h.reasons.length > 1 && (
        <ul className="health-reasons" data-testid="health-reasons">
          {h.reasons.map((r) => (
            <li key={`${r.check}:${r.text}`} data-level={r.level} data-check={r.check}>
              <HealthDot level={r.level} testId="health-reason-dot" /> {r.text}
            </li>
          ))}
        </ul>
      )}
      {h !== undefined && h.notes.length > 0 && (
        <ul className="health-notes muted" data-testid="health-notes">
          {h.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
