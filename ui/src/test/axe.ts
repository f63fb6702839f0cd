// Runs axe-core on rendered markup and fails on serious or critical WCAG 2.1 A/AA violations.
import axe from "axe-core";
import { expect } from "vitest";

/** The serious and critical violations axe finds in `container`, as "rule: element" lines. */
export async function axeProblems(container: Element): Promise<string[]> {
  const result = await axe.run(container, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    // happy-dom lays nothing out, so contrast (and scrollable regions) cannot be measured here.
    rules: { "color-contrast": { enabled: false } },
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact ?? ""}): ${n.target.join(" ")} — ${n.failureSummary ?? v.help}`));
}

/** Fails the test with every serious or critical violation in `container`. */
export async function expectNoAxeViolations(container: Element = document.body): Promise<void> {
  expect(await axeProblems(container)).toEqual([]);
}
