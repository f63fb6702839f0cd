import type { SparkPoint } from "../api";

/** Sparkline size in pixels (as the fleet table has always drawn it). */
export const SPARK_WIDTH = 120;
export const SPARK_HEIGHT = 28;

/**
 * The `points` attribute of a sparkline's `<polyline>`: time runs left to right across the
 * points' own span (gaps in the data stay gaps), values from the bottom on a 0–100 % scale that
 * stretches when a value goes higher. One pixel of margin on every side, like the baseline.
 */
export function sparkPoints(points: readonly SparkPoint[], width = SPARK_WIDTH, height = SPARK_HEIGHT): string {
  const finite = points.filter((p) => Number.isFinite(p.at) && Number.isFinite(p.value));
  const first = finite[0];
  const last = finite[finite.length - 1];
  if (first === undefined || last === undefined) return "";
  const top = Math.max(100, ...finite.map((p) => p.value));
  const span = last.at - first.at;
  return finite
    .map((p) => {
      // A single point sits at the right edge: it is the latest value.
      const x = span > 0 ? ((p.at - first.at) / span) * (width - 2) + 1 : width - 1;
      const y = height - 1 - (Math.max(0, p.value) / top) * (height - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

/** What a screen reader hears for a sparkline, e.g. "CPU 42 %, last 3 hours, highest 70 %". */
export function sparkLabel(label: string, latest: number | null, max: number | null): string {
  const now = latest === null ? "no data" : `${latest.toFixed(0)} %`;
  const high = max === null ? "" : `, highest ${max.toFixed(0)} %`;
  return `${label} ${now}, last 3 hours${high}`;
}
