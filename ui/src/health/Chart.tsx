import { useState } from "react";
import type { RenderedChart } from "../api";

/** The point nearest to time `t` (points sorted by time), or null when there are none. */
export function nearestPoint(points: [number, number][], t: number): [number, number] | null {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0) return null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.[0] ?? t) <= t) lo = mid;
    else hi = mid;
  }
  const a = points[lo];
  const b = points[hi];
  if (a === undefined || b === undefined) return a ?? b ?? null;
  return Math.abs(a[0] - t) <= Math.abs(b[0] - t) ? a : b;
}

/** A value with its unit, rounded for reading. */
export function formatValue(v: number, unit: string): string {
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  const text = v.toFixed(digits);
  return unit === "%" || unit === "% of requests" ? `${text} %` : unit === "ms" ? `${text} ms` : `${text} ${unit}`;
}

/** How far one arrow key moves the read-out: a fortieth of the plot's width. */
const KEY_STEPS = 40;

/**
 * Where the read-out moves for a key, in pixels across the chart, or undefined when the key does not
 * move it (null hides it). Arrows step, Home and End jump to the ends, Escape hides it.
 */
export function keyedCursor(key: string, current: number | null, plot: { left: number; width: number }): number | null | undefined {
  const step = plot.width / KEY_STEPS;
  const end = plot.left + plot.width;
  const from = current ?? end;
  switch (key) {
    case "ArrowLeft":
      return Math.max(plot.left, current === null ? end : from - step);
    case "ArrowRight":
      return Math.min(end, current === null ? end : from + step);
    case "Home":
      return plot.left;
    case "End":
      return end;
    case "Escape":
      return null;
    default:
      return undefined;
  }
}

/**
 * One chart drawn by the backend, with a read-out of the values under the cursor: the mouse moves
 * it, and so do the arrow keys when the chart has focus (so values can be read without a mouse).
 */
export function Chart({ chart, width, height, onExport }: { chart: RenderedChart; width: number; height: number; onExport?: () => void }) {
  const [hoverX, setHoverX] = useState<number | null>(null);
  const { plot, xRange } = chart;
  const inPlot = hoverX !== null && hoverX >= plot.left && hoverX <= plot.left + plot.width;
  const t = inPlot ? xRange[0] + ((hoverX - plot.left) / plot.width) * (xRange[1] - xRange[0]) : null;
  const readings =
    t === null
      ? []
      : chart.series.map((s) => {
          return { name: s.name, color: s.color, point: nearestPoint(s.points, t) };
        });
  const at = readings.find((r) => r.point !== null)?.point?.[0] ?? t;
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.svg)}`;
  return (
    <figure className="chart" data-testid={`chart-${chart.id}`} data-empty={chart.empty} style={{ width }}>
      <div
        className="chart-canvas"
        style={{ width, height }}
        tabIndex={chart.empty ? undefined : 0}
        role="group"
        aria-label={`${chart.title}: Left and Right arrows read the values over time`}
        onKeyDown={(e) => {
          const next = keyedCursor(e.key, hoverX, plot);
          if (next === undefined) return;
          e.preventDefault();
          setHoverX(next);
        }}
        onFocus={() => {
          setHoverX((x) => x ?? plot.left + plot.width);
        }}
        onBlur={() => {
          setHoverX(null);
        }}
        onMouseMove={(e) => {
          setHoverX(e.clientX - e.currentTarget.getBoundingClientRect().left);
        }}
        onMouseLeave={() => {
          setHoverX(null);
        }}
        data-testid={`chart-canvas-${chart.id}`}
      >
        <img src={src} width={width} height={height} alt={`${chart.title} chart`} draggable={false} />
        {inPlot && (
          <div className="chart-cursor" style={{ left: hoverX, top: plot.top, height: plot.height }} aria-hidden="true" />
        )}
        {inPlot && at !== null && (
          <div
            className="chart-readout"
            style={hoverX > width / 2 ? { right: width - hoverX + 8, top: plot.top + 4 } : { left: hoverX + 8, top: plot.top + 4 }}
            data-testid={`chart-readout-${chart.id}`}
            role="status"
          >
            <div className="muted">{new Date(at * 1000).toLocaleString()}</div>
            {readings.map((r) => (
              <div key={r.name}>
                <span className="swatch" style={{ background: r.color }} /> {r.name}:{" "}
                <strong>{r.point === null ? "no data" : formatValue(r.point[1], chart.unit)}</strong>
              </div>
            ))}
          </div>
        )}
        {chart.empty && <div className="chart-empty muted">No data in this range.</div>}
      </div>
      {onExport !== undefined && (
        <figcaption>
          <button type="button" className="link" onClick={onExport} data-testid={`chart-export-${chart.id}`}>
            Save as PNG
          </button>
        </figcaption>
      )}
    </figure>
  );
}
