// axe-core in the real app window: every view an end-to-end spec takes a screenshot of is checked
// against the WCAG 2.1 A and AA rules. A serious or critical violation fails the test at that view,
// naming the rule and the elements; every result is kept in artifacts/a11y/ for the summary.
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** Where each view's axe result is written as NAME.json. */
export const A11Y_DIR = path.join(ROOT, "artifacts", "a11y");
/** The rule sets checked: WCAG 2.0 and 2.1, levels A and AA. */
export const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** Impacts that fail a run. */
export const BLOCKING = new Set(["serious", "critical"]);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe on the window's document. Injects axe once per page (the app is one page, so once per
 * window); returns the violations with their impact, help text and up to five elements each.
 */
export async function runAxe(driver) {
  const loaded = await driver.executeScript("return typeof window.axe === 'object';");
  if (!loaded) await driver.executeScript(AXE_SOURCE);
  const raw = await driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const tags = arguments[0];
     window.axe
       .run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
       .then(
         (r) => done(JSON.stringify({
           passes: r.passes.length,
           violations: r.violations.map((v) => ({
             id: v.id,
             impact: v.impact,
             help: v.help,
             nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
             count: v.nodes.length,
           })),
           dark: window.matchMedia("(prefers-color-scheme: dark)").matches,
           zoom: Number(document.documentElement.dataset.zoom ?? "100"),
         })),
         (e) => done(JSON.stringify({ error: String(e) })),
       );`,
    TAGS,
  );
  const result = JSON.parse(raw);
  if (result.error) throw new Error(`axe could not run: ${result.error}`);
  return result;
}

/** Words for a list of violations: one line per rule, with its elements. */
export function describeViolations(violations) {
  return violations
    .map((v) => `  ${v.impact} ${v.id} (${v.help}), ${v.count} element(s):\n${v.nodes.map((n) => `    ${n.target}`).join("\n")}`)
    .join("\n");
}

/**
 * Checks the view on screen as `name`: writes artifacts/a11y/NAME.json and throws when a serious or
 * critical violation is found.
 */
export async function checkA11y(driver, name) {
  const result = await runAxe(driver);
  await mkdir(A11Y_DIR, { recursive: true });
  await writeFile(path.join(A11Y_DIR, `${name}.json`), `${JSON.stringify({ view: name, ...result }, null, 2)}\n`);
  const blocking = result.violations.filter((v) => BLOCKING.has(v.impact));
  if (blocking.length > 0) {
    throw new Error(`accessibility: ${blocking.length} serious or critical axe violation(s) in "${name}":\n${describeViolations(blocking)}`);
  }
  return result;
}
