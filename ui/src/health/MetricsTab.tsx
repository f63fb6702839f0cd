import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { UpdatedAgo } from "../components/UpdatedAgo";
import { SkeletonRows } from "../components/Skeleton";
import { Chart } from "./Chart";
import { useServiceMetrics } from "./queries";

const PRESETS: { id: api.RangePreset; label: string }[] = [
  { id: "1h", label: "1 hour" },
  { id: "3h", label: "3 hours" },
  { id: "12h", label: "12 hours" },
  { id: "1d", label: "1 day" },
  { id: "3d", label: "3 days" },
  { id: "1w", label: "1 week" },
  { id: "custom", label: "Custom" },
];

/** The colour scheme the window uses now. */
export function useTheme(): api.Theme {
  const query = typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (query === null) return;
    const onChange = (e: MediaQueryListEvent) => {
      setDark(e.matches);
    };
    query.addEventListener("change", onChange);
    return () => {
      query.removeEventListener("change", onChange);
    };
  }, [query]);
  return dark ? "dark" : "light";
}

/** The width of an element, following resizes (0 until measured). */
function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const measure = () => {
      setWidth(Math.floor(el.getBoundingClientRect().width));
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, []);
  return [ref, width];
}

/** An <input type="datetime-local"> value as RFC 3339 (local time → UTC). */
function toRfc3339(local: string): string | null {
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/** The Metrics tab: range selector and a grid of charts, all from one GetMetricData per range. */
export function MetricsTab({ session, cluster, service }: { session: api.SessionInfo; cluster: string; service: string }) {
  const theme = useTheme();
  const [preset, setPreset] = useState<api.RangePreset>("1h");
  const [customStart, setCustomStart] = useState("");
  const [customEnd, setCustomEnd] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [ref, width] = useWidth<HTMLDivElement>();
  // Two columns when there is room, one otherwise; widths snap to 20 px so small resizes reuse data.
  const columns = width >= 900 ? 2 : 1;
  const chartWidth = Math.max(320, Math.floor((width - (columns - 1) * 16) / columns / 20) * 20);
  const chartHeight = 260;
  const range: api.MetricRange =
    preset === "custom"
      ? { preset, start: toRfc3339(customStart), end: toRfc3339(customEnd) }
      : { preset, start: null, end: null };
  const customReady = preset !== "custom" || (range.start !== null && range.end !== null);
  const metrics = useServiceMetrics(session, cluster, service, range, theme, customReady ? chartWidth : 0, chartHeight);

  const exportPng = (chartId: string) => {
    api
      .exportChartPng(session.id, cluster, service, range, chartId, theme, 1200, 420)
      .then((path) => {
        setSaved(`Saved ${path}`);
      })
      .catch((e: unknown) => {
        setSaved(`Could not save the chart: ${api.toApiError(e).message}`);
      });
  };

  return (
    <div data-testid="metrics-tab">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Time range">
          {PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className={`button${p.id === preset ? " active" : ""}`}
              aria-pressed={p.id === preset}
              onClick={() => {
                setPreset(p.id);
              }}
              data-testid={`range-${p.id}`}
            >
              {p.label}
            </button>
          ))}
        </div>
        {preset === "custom" && (
          <>
            <label>
              From{" "}
              <input
                type="datetime-local"
                value={customStart}
                onChange={(e) => {
                  setCustomStart(e.target.value);
                }}
                data-testid="range-start"
              />
            </label>
            <label>
              To{" "}
              <input
                type="datetime-local"
                value={customEnd}
                onChange={(e) => {
                  setCustomEnd(e.target.value);
                }}
                data-testid="range-end"
              />
            </label>
          </>
        )}
        <span className="toolbar-spacer" />
        {metrics.data !== undefined && (
          <span className="muted" data-testid="metrics-period">
            One point per {metrics.data.window.period >= 3600 ? `${metrics.data.window.period / 3600} h` : `${metrics.data.window.period / 60} min`}
          </span>
        )}
        <UpdatedAgo updatedAt={metrics.dataUpdatedAt} fetching={metrics.isFetching} />
        <button type="button" className="button" onClick={() => void metrics.refetch()} disabled={metrics.isFetching} data-testid="metrics-refresh">
          Refresh
        </button>
      </div>
      {saved !== null && (
        <p className="muted" data-testid="chart-saved">
          {saved}
        </p>
      )}
      <div ref={ref} className="charts-grid" style={{ gridTemplateColumns: `repeat(${columns}, ${chartWidth}px)` }} data-testid="charts-grid">
        {!customReady && <p className="muted">Choose a start and an end.</p>}
        {customReady && metrics.isPending && <SkeletonRows rows={4} label="Loading the charts" />}
        {metrics.isError && (
          <ErrorPanel title="Could not load the metrics" error={metrics.error} onRetry={() => void metrics.refetch()} retrying={metrics.isFetching} />
        )}
        {metrics.data?.charts.map((c) => (
          <Chart
            key={c.id}
            chart={c}
            width={chartWidth}
            height={chartHeight}
            onExport={() => {
              exportPng(c.id);
            }}
          />
        ))}
      </div>
    </div>
  );
}
