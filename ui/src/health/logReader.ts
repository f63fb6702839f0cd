// What the Logs tab reads and does: recent lines, errors of the last hour, searches paged up to
// MAX_LINES, following new lines, copying and saving. Only one read runs at a time: starting one
// abandons the one before (its late pages are dropped) and stops any follow.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";

/** Most lines a search keeps (pages stop there). */
export const MAX_LINES = 50_000;

/**
 * `old` followed by `late`, in time order. Lines arrive late and out of order (CloudWatch finds a
 * line once it is ingested), so a new batch may hold a line older than the newest one shown.
 */
export function mergeByTime(old: api.LogLine[], late: api.LogLine[]): api.LogLine[] {
  const all = old.concat(late);
  const newestShown = old.at(-1)?.timestamp ?? Number.NEGATIVE_INFINITY;
  if (late.every((l) => l.timestamp >= newestShown)) return all;
  // A stable sort keeps lines of the same millisecond in the order they came.
  return all.sort((a, b) => a.timestamp - b.timestamp);
}
/** Lines per page of a search. */
const PAGE = 5_000;

/** What the lines on show came from. */
export type LogMode = "recent" | "errors" | "search" | "follow";

/** The pattern of "errors in the last hour" (the same as the core's `logs::ERROR_PATTERN`). */
const ERROR_PATTERN = "?ERROR ?Error ?error ?Exception ?FATAL";

/** Streams of one container: `prefix/container/` (awslogs names them `prefix/container/task-id`). */
export function containerPrefix(source: api.LogSource): string | null {
  return source.streamPrefix === null ? null : `${source.streamPrefix}/${source.container}/`;
}

/** The log lines of one session's log source and the ways to read them. */
export function useLogReader(session: api.SessionInfo) {
  const [lines, setLines] = useState<api.LogLine[]>([]);
  const [mode, setMode] = useState<LogMode>("recent");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [followId, setFollowId] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // Bumped to abandon a running search or follow when another one starts.
  const generation = useRef(0);

  const stopFollow = (id: string | null) => {
    if (id !== null) void api.logFollowStop(id).catch(() => undefined);
    setFollowId(null);
    setPaused(false);
  };

  const run = async (next: LogMode, work: (gen: number) => Promise<void>) => {
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
      const found = await api.logRecent(session.id, src.group, null, 500, src.region);
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
        region: src.region,
      };
      await pages(gen, () => api.logErrors(session.id, src.group, prefix, src.region), query);
    });

  /** Lines matching `pattern` (all lines when blank) of the last `spanMs`. */
  const search = (src: api.LogSource, pattern: string, spanMs: number) =>
    run("search", async (gen) => {
      const query: api.LogQuery = {
        group: src.group,
        streamPrefix: containerPrefix(src),
        pattern: pattern.trim() === "" ? null : pattern,
        start: Date.now() - spanMs,
        end: null,
        limit: PAGE,
        nextToken: null,
        region: src.region,
      };
      await pages(gen, () => api.logSearch(session.id, query), query);
    });

  /** New lines matching `pattern` as they arrive, starting five minutes back. */
  const follow = (src: api.LogSource, pattern: string) =>
    run("follow", async (gen) => {
      const query: api.LogQuery = {
        group: src.group,
        streamPrefix: containerPrefix(src),
        pattern: pattern.trim() === "" ? null : pattern,
        start: Date.now() - 5 * 60_000,
        end: null,
        limit: PAGE,
        nextToken: null,
        region: src.region,
      };
      const id = await api.logFollowStart(session.id, query, (batch) => {
        if (gen !== generation.current) return;
        if (batch.error !== null) {
          setError(new api.ApiError(batch.error));
          return;
        }
        setLines((old) => {
          const all = mergeByTime(old, batch.lines);
          return all.length > MAX_LINES ? all.slice(all.length - MAX_LINES) : all;
        });
      });
      if (gen === generation.current) setFollowId(id);
      else void api.logFollowStop(id).catch(() => undefined);
    });

  /** Stops following; the lines stay. */
  const unfollow = () => {
    generation.current += 1;
    stopFollow(followId);
    setMode("search");
  };

  const togglePause = () => {
    if (followId === null) return;
    const act = paused ? api.logFollowResume : api.logFollowPause;
    void act(followId).then(() => {
      setPaused(!paused);
    });
  };

  const copy = () => {
    const text = lines.map((l) => `${new Date(l.timestamp).toISOString()} ${l.message}`).join("\n");
    void navigator.clipboard.writeText(text).then(() => {
      setNote(`Copied ${lines.length.toLocaleString()} lines.`);
    });
  };

  /** Saves the lines as a new text file; the core names it after the log group and the time. */
  const save = (src: api.LogSource) => {
    api
      .logSave(src.group, lines)
      .then((path) => {
        setNote(`Saved ${path}`);
      })
      .catch((e: unknown) => {
        setError(api.toApiError(e));
      });
  };

  // Leaving the tab abandons what is running and stops following.
  const followRef = useRef<string | null>(null);
  followRef.current = followId;
  useEffect(
    () => () => {
      generation.current += 1;
      if (followRef.current !== null) void api.logFollowStop(followRef.current).catch(() => undefined);
    },
    [],
  );

  return { lines, mode, busy, error, note, followId, paused, recent, errors, search, follow, unfollow, togglePause, copy, save };
}
