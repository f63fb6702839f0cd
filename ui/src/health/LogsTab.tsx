import { ConsoleButton } from "../components/ConsoleButton";
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { FilterInput } from "../components/FilterInput";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { LogList } from "./LogList";
import { useLogSources } from "./queries";

/** Most lines a search keeps (pages stop there). */
export const MAX_LINES = 50_000;
/** Lines per page of a search. */
const PAGE = 5_000;

const SPANS: { label: string; ms: number }[] = [
  { label: "Last 15 minutes", ms: 15 * 60_000 },
  { label: "Last hour", ms: 3_600_000 },
  { label: "Last 3 hours", ms: 3 * 3_600_000 },
  { label: "Last day", ms: 86_400_000 },
  { label: "Last week", ms: 7 * 86_400_000 },
];

type Mode = "recent" | "errors" | "search" | "follow";

/** The pattern of "errors in the last hour" (the same as the core's `logs::ERROR_PATTERN`). */
const ERROR_PATTERN = "?ERROR ?Error ?error ?Exception ?FATAL";

/** Streams of one container: `prefix/container/` (awslogs names them `prefix/container/task-id`). */
export function containerPrefix(source: api.LogSource): string | null {
  return source.streamPrefix === null ? null : `${source.streamPrefix}/${source.container}/`;
}

/** The Logs tab: recent lines, errors of the last hour, searches paged to 50,000 lines, follow. */
export function LogsTab({ session, cluster, service }: { session: api.SessionInfo; cluster: string; service: string }) {
  const sources = useLogSources(session, cluster, service);
  const [sourceIndex, setSourceIndex] = useState(0);
  const [lines, setLines] = useState<api.LogLine[]>([]);
  const [mode, setMode] = useState<Mode>("recent");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [pattern, setPattern] = useState("");
  const [span, setSpan] = useState(3_600_000);
  const [followId, setFollowId] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // Bumped to abandon a running search or follow when another one starts.
  const generation = useRef(0);
  const source = sources.data?.[sourceIndex];

  const stopFollow = (id: string | null) => {
    if (id !== null) void api.logFollowStop(id).catch(() => undefined);
    setFollowId(null);
    setPaused(false);
  };

  const run = async (next: Mode, work: (gen: number) => Promise<void>) => {
    generation.current += 1;
    const gen = generation.current;
    stopFollow(followId);
    setMode(next);
    setLines([]);
    setError(null);
    setNote(null);
    setBusy(true);
    try {
      await work(gen);
    } catch (e) {
      if (gen === generation.current) setError(api.toApiError(e));
    } finally {
      if (gen === generation.current) setBusy(false);
    }
  };

  /** Pages through a search, showing each page as it arrives, up to MAX_LINES. */
  const pages = async (gen: number, first: () => Promise<api.LogPage>, query: api.LogQuery) => {
    let page = await first();
    let total: api.LogLine[] = [];
    for (;;) {
      if (gen !== generation.current) return;
      total = total.concat(page.lines).slice(0, MAX_LINES);
      setLines(total);
      if (page.nextToken === null || total.length >= MAX_LINES) break;
      page = await api.logSearch(session.id, { ...query, nextToken: page.nextToken });
    }
    if (total.length >= MAX_LINES) setNote(`Showing the first ${MAX_LINES.toLocaleString()} lines; narrow the search to see the rest.`);
  };

  const recent = (src: api.LogSource) =>
    run("recent", async (gen) => {
      const found = await api.logRecent(session.id, src.group, null, 500);
      if (gen === generation.current) setLines(found);
    });

  const errors = (src: api.LogSource) =>
    run("errors", async (gen) => {
      const prefix = containerPrefix(src);
      const query: api.LogQuery = {
        group: src.group,
        streamPrefix: prefix,
        pattern: ERROR_PATTERN,
        start: Date.now() - 3_600_000,
        end: null,
        limit: PAGE,
        nextToken: null,
      };
      await pages(gen, () => api.logErrors(session.id, src.group, prefix), query);
    });

  const search = (src: api.LogSource) =>
    run("search", async (gen) => {
      const query: api.LogQuery = {
        group: src.group,
        streamPrefix: containerPrefix(src),
        pattern: pattern.trim() === "" ? null : pattern,
        start: Date.now() - span,
        end: null,
        limit: PAGE,
        nextToken: null,
      };
      await pages(gen, () => api.logSearch(session.id, query), query);
    });

  const follow = (src: api.LogSource) =>
    run("follow", async (gen) => {
      const query: api.LogQuery = {
        group: src.group,
        streamPrefix: containerPrefix(src),
        pattern: pattern.trim() === "" ? null : pattern,
        start: Date.now() - 5 * 60_000,
        end: null,
        limit: PAGE,
        nextToken: null,
      };
      const id = await api.logFollowStart(session.id, query, (batch) => {
        if (gen !== generation.current) return;
        if (batch.error !== null) {
          setError(new api.ApiError(batch.error));
          return;
        }
        setLines((old) => {
          const all = old.concat(batch.lines);
          return all.length > MAX_LINES ? all.slice(all.length - MAX_LINES) : all;
        });
      });
      if (gen === generation.current) setFollowId(id);
      else void api.logFollowStop(id).catch(() => undefined);
    });

  // Recent lines when the tab opens or the source changes; stop following when leaving.
  const sourceKey = source === undefined ? "" : `${source.group}|${source.container}`;
  useEffect(() => {
    if (source !== undefined) void recent(source);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run once per source
  }, [sourceKey]);
  const followRef = useRef<string | null>(null);
  followRef.current = followId;
  useEffect(
    () => () => {
      generation.current += 1;
      if (followRef.current !== null) void api.logFollowStop(followRef.current).catch(() => undefined);
    },
    [],
  );

  if (sources.isPending) return <SkeletonRows rows={3} label="Finding the service's logs" />;
  if (sources.isError) return <ErrorPanel title="Could not find the service's logs" error={sources.error} onRetry={() => void sources.refetch()} retrying={sources.isFetching} />;
  if (source === undefined) {
    return <EmptyState testId="empty-log-sources" title="This service's containers do not send logs to CloudWatch (no awslogs driver)." />;
  }

  const text = () => lines.map((l) => `${new Date(l.timestamp).toISOString()} ${l.message}`).join("\n");
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
        <ConsoleButton session={session} target={{ kind: "logGroup", name: source.group }} label="Log group in AWS console ↗" testId="logs-open-console" />
        <button type="button" className="button" onClick={() => void recent(source)} data-testid="logs-recent">
          Recent lines
        </button>
        <button type="button" className="button" onClick={() => void errors(source)} data-testid="logs-errors">
          Errors in the last hour
        </button>
      </div>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search(source);
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
              if (e.target.checked) void follow(source);
              else {
                generation.current += 1;
                stopFollow(followId);
                setMode("search");
              }
            }}
            data-testid="logs-follow"
          />
          Follow new lines
        </label>
        {followId !== null && (
          <button
            type="button"
            className="button"
            onClick={() => {
              const act = paused ? api.logFollowResume : api.logFollowPause;
              void act(followId).then(() => {
                setPaused(!paused);
              });
            }}
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
          onClick={() => {
            void navigator.clipboard.writeText(text()).then(() => {
              setNote(`Copied ${lines.length.toLocaleString()} lines.`);
            });
          }}
          data-testid="logs-copy"
        >
          Copy
        </button>
        <button
          type="button"
          className="button"
          disabled={lines.length === 0}
          onClick={() => {
            const name = `${service}-${mode}-${new Date().toISOString().replace(/[:.]/g, "-")}.log`;
            api
              .logSave(name, lines)
              .then((path) => {
                setNote(`Saved ${path}`);
              })
              .catch((e: unknown) => {
                setError(api.toApiError(e));
              });
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
