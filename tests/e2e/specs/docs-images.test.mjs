// The pictures of README.md, docs/guide.md and docs/accessibility.md: each is in docs/images/ and is a screenshot some
// end-to-end spec takes, so a passing run refreshes it (see tests/e2e/lib/publish-guide.mjs).
// Needs no app window.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseImages, problems, referencedImages, screenshotNames } from "../lib/publish-guide.mjs";

test("every image README.md, docs/guide.md and docs/accessibility.md show is a spec's screenshot in docs/images/", async () => {
  const refs = await referencedImages();
  assert.ok(refs.some((r) => r.document === "docs/guide.md"), "docs/guide.md shows screenshots");
  assert.ok(refs.some((r) => r.document === "README.md"), "README.md shows a screenshot");
  assert.deepEqual(await problems(), []);
});

test("images are found in Markdown and HTML and resolved from their document", () => {
  const text = '![a](images/one.png) ![b](<images/two three.png> "title") <img src="../docs/images/x.png" alt=""> ![c](https://example.com/y.png)';
  assert.deepEqual(parseImages(text, "docs/guide.md"), ["docs/images/one.png", "docs/images/two three.png", "docs/images/x.png"]);
  assert.deepEqual(parseImages("![s](docs/images/one.png)", "README.md"), ["docs/images/one.png"]);
});

test("screenshot names are read from string and template literals; failure shots are left out", () => {
  const names = screenshotNames(
    'await screenshot(driver, "guide-scale-01-how-many");\n' +
      "await screenshot(driver, `${prefix}-metrics`);\n" +
      'await screenshot(driver, `health-dark-logs${dark ? "" : "-(no-dark-support)"}`);\n' +
      "await screenshot(driver, `${name}-FAILED`).catch(() => {});",
  );
  const matches = (n) => names.some((p) => p.re.test(n));
  assert.equal(names.length, 3);
  assert.ok(matches("guide-scale-01-how-many"));
  assert.ok(matches("health-light-metrics"));
  assert.ok(matches("health-dark-logs"));
  assert.ok(!matches("guide-scale-01-how"), "names are anchored");
  assert.ok(!matches("walk-FAILED"));
});
