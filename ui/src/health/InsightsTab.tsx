import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import * as api from "../api";
import type { InsightsRun, SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { queryKeys } from "../query/keys";
import { useTheme } from "./MetricsTab";

/** The time ranges offered, in hours. */
const RANGES: { hours: number; label: string }[] = [
  { hours: 1, label: "last hour" },
  { hours: 3, label: "last 3 hours" },
  { hours: 24, label: "last day" },
  { hours: 24 * 7, label: "last week" },
];

/** How often a running query is asked for its results. */
const POLL_MS = 1_000;
const CHART_WIDTH = 900;
const CHART_HEIGHT = 260;

/** A started query: what ran over which span. */
type Started = InsightsRun & { start: number; end: number };

/** The Logs Insights tab: a ready or saved query (editable) over the service's log groups. */
export function InsightsTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const theme = useTheme();
  const named = useQuery({ queryKey: queryKeys.health.insightsQueries(session), queryFn: () => api.insightsQueries(session.id), staleTime: 300_000 });
  const [text, setText] = useState<string | null>(null);
  const [hours, setHours] = useState(1);
  const [run, setRun] = useState<Started | null>(null);
  const query = text ?? named.data?.[0]?.query ?? "";
  const key = (n: api.NamedQuery) => `${n.origin}:${n.name}`;
  // The list shows which query the text is, or that it is the user's own.
  const chosen = named.data?.find((n) => n.query === query);
  const start = useMutation({
    mutationFn: async () => {
      const end = Math.floor(Date.now() / 1000);
      const begin = end - hours * 3600;
      const started = await api.insightsStart(session.id, cluster, service, query, begin, end);
      return { ...started, start: begin, end };
    },
    onSuccess: (started) => { setRun(started); },
  });
  const results = useQuery({
    queryKey: queryKeys.health.insightsResults(session, run?.queryId ?? "", theme, CHART_WIDTH),
    queryFn: () => (run === null ? Promise.reject(new Error("no query")) : api.insightsResults(session.id, run.region, run.queryId, run.start, run.end, theme, CHART_WIDTH, CHART_HEIGHT)),
    enabled: run !== null,
    refetchInterval: (q) => (q.state.data?.done === true ? false : POLL_MS),
  });
  const stop = useMutation({
    mutationFn: () => (run === null ? Promise.resolve(null) : api.insightsStop(session.id, run.region, run.queryId)),
    onSuccess: () => void results.refetch(),
  });
  const r = results.data;
  const running = run !== null && r?.done !== true;
  return (
    <div className="insights" data-testid="insights-tab">
      <div className="insights-controls">
        <label>
          Query{" "}
          <select
            data-testid="insights-named"
            value={chosen === undefined ? "custom" : key(chosen)}
            onChange={(e) => { setText(named.data?.find((n) => key(n) === e.target.value)?.query ?? ""); }}
            disabled={named.isPending}
          >
            {chosen === undefined && (
              <option value="custom" disabled>
                Your own query
              </option>
            )}
            {(named.data ?? []).map((n) => (
              <option key={key(n)} value={key(n)}>
                {n.origin === "ready" ? `${n.name} (ECS Desk)` : `${n.name} (saved)`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Over the{" "}
          <select data-testid="insights-range" value={hours} onChange={(e) => { setHours(Number(e.target.value)); }}>
            {RANGES.map((x) => (
              <option key={x.hours} value={x.hours}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {named.isError && <ErrorPanel title="Could not load the saved queries" error={named.error} />}
      <textarea
        className="insights-query"
        aria-label="Logs Insights query"
        data-testid="insights-query"
        rows={6}
        value={query}
        onChange={(e) => { setText(e.target.value); }}
        spellCheck={false}
      />
      <div className="insights-actions">
        <button type="button" className="button primary" disabled={running || start.isPending || query.trim() === ""} onClick={() => { start.mutate(); }} data-testid="insights-run">
          Run query
        </button>
        {running && (
          <button type="button" className="button" onClick={() => { stop.mutate(); }} disabled={stop.isPending} data-testid="insights-cancel">
            Cancel
          </button>
        )}
        <span className="cell-note">Logs Insights is billed by the data it scans; a shorter range costs less.</span>
      </div>
      {start.isError && <ErrorPanel title="The query did not start" error={start.error} />}
      {results.isError && <ErrorPanel title="Could not read the results" error={results.error} />}
      {run !== null && r !== undefined && (
        <>
          <p className="insights-status" role="status" data-testid="insights-status" data-status={r.status}>
            {r.status} · {r.scannedWords} · {r.matched} of {r.scannedRecords} records matched · {run.logGroups.join(", ")} ({run.region})
          </p>
          {r.chart !== null && (
            <img
              className="insights-chart"
              data-testid="insights-chart"
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(r.chart.svg)}`}
              width={CHART_WIDTH}
              height={CHART_HEIGHT}
              alt={`${r.chart.title} chart`}
            />
          )}
          {r.rows.length === 0 ? (
            <p className="cell-note" data-testid="insights-empty">
              {r.done ? "No rows." : "No rows yet."}
            </p>
          ) : (
            // Focusable: the table scrolls within its box, by keyboard too.
            <div className="insights-table-wrap" tabIndex={0} role="region" aria-label="Query results">
              <table className="table" data-testid="insights-table">
                <thead>
                  <tr>
                    {r.columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {r.rows.slice(0, 200).map((row, i) => (
                    <tr key={i} data-testid="insights-row">
                      {row.map((v, j) => (
                        <td key={j}>{v}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
