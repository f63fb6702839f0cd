// Medians of the figures of several perf.test.mjs runs (each an artifacts/perf/e2e.json), printed
// as JSON next to every run's own figures: node perf-summary.mjs run-1.json run-2.json ...
import { readFile } from "node:fs/promises";

const runs = await Promise.all(process.argv.slice(2).map(async (f) => JSON.parse(await readFile(f, "utf8"))));
if (runs.length === 0) {
  console.error("usage: node perf-summary.mjs RUN.json [RUN.json ...]");
  process.exit(2);
}

/** The median of the numbers at `key` (a dotted path) over the runs that have one. */
function median(key) {
  const values = runs
    .map((r) => key.split(".").reduce((v, k) => (v === null || v === undefined ? undefined : v[k]), r))
    .filter((v) => typeof v === "number" && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

const keys = [
  "interactiveMs",
  "webviewClockMs",
  "servicesListMs",
  "rowsInDom",
  "idleFrames.medianMs",
  "idleFrames.dropped",
  "scroll.medianMs",
  "scroll.p95Ms",
  "scroll.maxMs",
  "scroll.dropped",
  "scroll.frames",
  "scroll.gaps",
  "scrollSteady.medianMs",
  "scrollSteady.p95Ms",
  "scrollSteady.dropped",
  "scrollSteady.frames",
  "scrollSteady.gaps",
  "memory.app.rssMb",
  "memory.app.pssMb",
  "memory.app.peakMb",
  "memory.app.anonMb",
  "memory.app.fileMb",
  "memory.webContent.rssMb",
  "memory.webContent.pssMb",
];
const medians = Object.fromEntries(keys.map((k) => [k, median(k)]));
console.log(JSON.stringify({ runs: runs.length, medians, each: runs }, null, 2));
