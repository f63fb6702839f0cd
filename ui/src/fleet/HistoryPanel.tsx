import "./fleet.css";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { setHistoryRetention, type SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { formatTime } from "../format";
import { queryKeys } from "../query/keys";
import { HealthDot, LEVEL_WORDS } from "../health/HealthDot";
import { onListKeyDown } from "./rowKeys";
import { useServiceHistory } from "./queries";

const EVENTS_SHOWN = 20;

/** What the app has kept about a service beyond ECS's own retention (stopped tasks ~1 hour). */
export function HistoryPanel({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const [open, setOpen] = useState(false);
  const [allEvents, setAllEvents] = useState(false);
  const client = useQueryClient();
  // Recording happens whenever the page loads, so history fills even while the panel is closed.
  const history = useServiceHistory(session, cluster, service);
  const retention = useMutation({
    mutationFn: setHistoryRetention,
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.fleet.allHistory(session) }),
  });
  const h = history.data;
  return (
    <section className="card history-section" aria-labelledby="history-title" data-testid="history-panel">
      <div className="title-row">
        <h2 id="history-title">History</h2>
        <span className="muted">kept on this computer{h !== undefined && ` for ${h.retentionDays} days`}</span>
        <span className="toolbar-spacer" />
        <button type="button" className="button" aria-expanded={open} onClick={() => { setOpen(!open); }} data-testid="history-toggle">
          {open ? "Hide" : `Show${h === undefined ? "" : ` (${h.stopped.length} stopped tasks, ${h.events.length} events)`}`}
        </button>
      </div>
      {history.isError && <ErrorPanel title="Could not read the history" error={history.error} />}
      {open && h !== undefined && (
        <>
          {h.note !== null && <p className="history-note">{h.note}</p>}
          <label>
            Keep history for{" "}
            <select
              value={h.retentionDays}
              onChange={(e) => {
                retention.mutate(Number(e.target.value));
              }}
              data-testid="history-retention"
            >
              {[7, 14, 30, 90, 365].map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </select>
          </label>
          <h3>Stopped tasks</h3>
          {h.stopped.length === 0 ? (
            <p className="muted">None seen.</p>
          ) : (
            <table className="table" data-testid="history-stopped" onKeyDown={onListKeyDown}>
              <thead>
                <tr><th>Stopped</th><th>Task</th><th>Diagnosis</th><th>ECS reason</th></tr>
              </thead>
              <tbody>
                {h.stopped.map((t) => (
                  <tr key={t.arn} tabIndex={0} data-nav-row className="fleet-row" data-testid="history-stopped-row">
                    <td>{formatTime(t.stoppedAt)}</td>
                    <td>{t.id}</td>
                    <td><strong>{t.diagnosis.title}</strong></td>
                    <td>{t.stoppedReason ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Health changes</h3>
          {h.health.length === 0 ? (
            <p className="muted">None seen.</p>
          ) : (
            <ul>
              {h.health.map((c) => (
                <li key={c.at}>
                  <HealthDot level={c.level} summary={c.summary} testId="history-health-dot" /> {formatTime(c.at)} —{" "}
                  {c.summary.startsWith(LEVEL_WORDS[c.level]) ? c.summary : `${LEVEL_WORDS[c.level]}: ${c.summary}`}
                </li>
              ))}
            </ul>
          )}
          <h3>Deployments</h3>
          <ul>
            {h.deployments.map((d) => (
              <li key={d.id}>
                {formatTime(d.createdAt)} — {d.taskDefinition} {d.rolloutState ?? d.status}
              </li>
            ))}
          </ul>
          <h3>Events</h3>
          <ul>
            {h.events.slice(0, allEvents ? undefined : EVENTS_SHOWN).map((e) => (
              <li key={e.id}>
                {formatTime(e.createdAt)} — {e.message}
              </li>
            ))}
          </ul>
          {h.events.length > EVENTS_SHOWN && (
            <button type="button" className="button" onClick={() => { setAllEvents(!allEvents); }} data-testid="history-all-events">
              {allEvents ? "Show fewer events" : `Show all ${h.events.length} events`}
            </button>
          )}
        </>
      )}
    </section>
  );
}
