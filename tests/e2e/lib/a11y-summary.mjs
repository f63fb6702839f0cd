// The accessibility summary of an end-to-end run: one line per view axe checked (theme, zoom,
// violations by impact), written to artifacts/a11y/summary.md and printed.
//
//   node lib/a11y-summary.mjs --clear   forget the results of an earlier run (before the specs)
//   node lib/a11y-summary.mjs           summarise this run; fail when fewer than MIN_VIEWS views were
//                                       checked or any has a serious or critical violation
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { A11Y_DIR, BLOCKING, TAGS } from "./a11y.mjs";

/** The floor: at least this many distinct views checked in one run. */
export const MIN_VIEWS = 12;

/** Rows of the summary from the per-view results. */
export function summarise(results) {
  return results
    .sort((a, b) => a.view.localeCompare(b.view))
    .map((r) => {
      const by = (pred) => r.violations.filter((v) => pred(v.impact));
      const blocking = by((i) => BLOCKING.has(i));
      const other = by((i) => !BLOCKING.has(i));
      return {
        view: r.view,
        theme: r.dark ? "dark" : "light",
        zoom: r.zoom,
        passes: r.passes,
        blocking: blocking.length,
        other: other.length,
        rules: r.violations.map((v) => `${v.id} (${v.impact})`).join(", "),
      };
    });
}

async function main() {
  if (process.argv.includes("--clear")) {
    await rm(A11Y_DIR, { recursive: true, force: true });
    return;
  }
  await mkdir(A11Y_DIR, { recursive: true });
  const files = (await readdir(A11Y_DIR)).filter((f) => f.endsWith(".json"));
  const results = await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(A11Y_DIR, f), "utf8"))));
  const rows = summarise(results);
  const lines = [
    `# Accessibility: axe-core ${TAGS.join(", ")} in the app window`,
    "",
    `${rows.length} views checked; serious or critical violations: ${rows.reduce((n, r) => n + r.blocking, 0)}.`,
    "",
    "| View | Theme | Zoom | Rules passed | Serious/critical | Moderate/minor | Rules violated |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.view} | ${r.theme} | ${r.zoom} % | ${r.passes} | ${r.blocking} | ${r.other} | ${r.rules || "none"} |`),
  ];
  const text = `${lines.join("\n")}\n`;
  await writeFile(path.join(A11Y_DIR, "summary.md"), text);
  console.log(text);
  const failing = rows.filter((r) => r.blocking > 0);
  if (failing.length > 0) {
    console.error(`accessibility: serious or critical violations in ${failing.map((r) => r.view).join(", ")}`);
    process.exit(1);
  }
  if (rows.length < MIN_VIEWS) {
    console.error(`accessibility: only ${rows.length} views were checked; at least ${MIN_VIEWS} are expected`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
