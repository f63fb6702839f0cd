import { useEffect, useState } from "react";
import type { SessionInfo } from "../api";
import { ConsoleButton } from "../components/ConsoleButton";
import { ErrorPanel } from "../components/ErrorPanel";
import { FilterInput } from "../components/FilterInput";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { containerPrefix, useLogReader } from "./logReader";
import { LogList } from "./LogList";
import { useLogSources } from "./queries";

/** Time ranges a search can cover. */
const SPANS: { label: string; ms: number }[] = [
  { label: "Last 15 minutes", ms: 15 * 60_000 },
  { label: "Last hour", ms: 3_600_000 },
  { label: "Last 3 hours", ms: 3 * 3_600_000 },
  { label: "Last day", ms: 86_400_000 },
  { label: "Last week", ms: 7 * 86_400_000 },
];

/** The Logs tab: recent lines, errors of the last hour, searches paged to 50,000 lines, follow. */
export function LogsTab({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const sources = useLogSources(session, cluster, service);
  const [sourceIndex, setSourceIndex] = useState(0);
  const [pattern, setPattern] = useState("");
  const [span, setSpan] = useState(3_600_000);
  const reader = useLogReader(session);
  const { lines, mode, busy, error, note, followId, paused } = reader;
  const source = sources.data?.[sourceIndex];

  // Recent lines when the tab opens or the source changes (the reader stops following when the tab goes).
  const sourceKey = source === undefined ? "" : `${source.group}|${source.container}`;
  useEffect(() => {
    if (source !== undefined) void reader.recent(source);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run once per source
  }, [sourceKey]);

  if (sources.isPending) return <SkeletonRows rows={3} label="Finding the service's logs" />;
  if (sources.isError) return <ErrorPanel title="Could not find the service's logs" error={sources.error} onRetry={() => void sources.refetch()} retrying={sources.isFetching} />;
  if (source === undefined) {
    return <EmptyState testId="empty-log-sources" title="This service's containers do not send logs to CloudWatch (no awslogs driver)." />;
  }

  return (
    <div data-testid="logs-tab">
      <div className="toolbar">
        {sources.data.length > 1 && (
          <select
            value={sourceIndex}
            onChange={(e) => {
              setSourceIndex(Number(e.target.value));
            }}
            aria-label="Container"
            data-testid="log-source"
          >
            {sources.data.map((s, i) => (
              <option key={`${s.group}:${s.container}`} value={i}>
                {s.container} ({s.group})
              </option>
            ))}
          </select>
        )}
        <span className="muted mono" data-testid="log-group">
          {source.group}
          {containerPrefix(source) !== null && ` · ${containerPrefix(source) ?? ""}…`}
        </span>
        {source.region !== null && source.region !== session.region && (
          <span className="badge" data-testid="log-region" title="The task definition sends these logs to another region (awslogs-region).">
            in {source.region}
          </span>
        )}
        <ConsoleButton
          session={session}
          target={{ kind: "logGroup", name: source.group, region: source.region }}
          label="Log group in AWS console ↗"
          testId="logs-open-console"
        />
        <button type="button" className="button" onClick={() => void reader.recent(source)} data-testid="logs-recent">
          Recent lines
        </button>
        <button type="button" className="button" onClick={() => void reader.errors(source)} data-testid="logs-errors">
          Errors in the last hour
        </button>
      </div>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void reader.search(source, pattern, span);
        }}
      >
        <FilterInput
          value={pattern}
          onChange={setPattern}
          label="CloudWatch filter pattern"
          placeholder='Filter pattern, e.g. ERROR -health or "timeout"'
          testId="logs-pattern"
        />
        <select
          value={span}
          onChange={(e) => {
            setSpan(Number(e.target.value));
          }}
          aria-label="Time range"
          data-testid="logs-span"
        >
          {SPANS.map((s) => (
            <option key={s.ms} value={s.ms}>
              {s.label}
            </option>
          ))}
        </select>
        <button type="submit" className="button" data-testid="logs-search">
          Search
        </button>
        <label className="toggle">
          <input
            type="checkbox"
            checked={mode === "follow" && followId !== null}
            onChange={(e) => {
              if (e.target.checked) void reader.follow(source, pattern);
              else reader.unfollow();
            }}
            data-testid="logs-follow"
          />
          Follow new lines
        </label>
        {followId !== null && (
          <button
            type="button"
            className="button"
            onClick={reader.togglePause}
            data-testid="logs-pause"
          >
            {paused ? "Resume" : "Pause"}
          </button>
        )}
      </form>
      <div className="toolbar">
        <span className="muted" data-testid="logs-status">
          {busy ? `Loading… ${lines.length.toLocaleString()} lines so far` : `${lines.length.toLocaleString()} lines`}
          {mode === "errors" && " with ERROR, Error, error, Exception or FATAL in the last hour"}
          {followId !== null && (paused ? " · following paused" : " · following")}
        </span>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="button"
          disabled={lines.length === 0}
          onClick={reader.copy}
          data-testid="logs-copy"
        >
          Copy
        </button>
        <button
          type="button"
          className="button"
          disabled={lines.length === 0}
          onClick={() => {
            reader.save(source);
          }}
          data-testid="logs-save"
        >
          Save to file
        </button>
      </div>
      {note !== null && (
        <p className="muted" data-testid="logs-note">
          {note}
        </p>
      )}
      {error !== null && <ErrorPanel title="Could not read the logs" error={error} />}
      {!busy && lines.length === 0 && error === null ? (
        <EmptyState testId="empty-logs" title={mode === "errors" ? "No errors in the last hour." : "No lines found."} />
      ) : (
        <LogList lines={lines} follow={mode === "follow" || mode === "recent"} />
      )}
    </div>
  );
}
