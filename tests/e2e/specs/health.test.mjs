// Service health in the real window against the simulator's demo scenario: open
// coe-etl-prod-Service, see its health banner, charts, events, targets, stopped tasks and logs,
// and save a screenshot of each tab for review, in the light theme and (GTK dark) the dark one.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { checkA11y } from "../lib/a11y.mjs";
import { click, find, launchApp, quit, screenshot, signIn, startDriver, startSim, tid, WAIT_MS, waitText } from "../lib/harness.mjs";

let sim;

before(async () => {
  sim = await startSim({ scenario: "demo", speed: 10 });
});

after(async () => {
  await sim?.stop();
}, { timeout: 60_000 });

/** Runs `body` in a fresh window of an app started with `extraEnv`, saving a screenshot on failure. */
async function withApp(name, extraEnv, body) {
  const saved = {};
  for (const [k, v] of Object.entries(extraEnv)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const driverServer = await startDriver(sim);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const driver = await launchApp(driverServer);
  try {
    await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
    await body(driver);
  } catch (error) {
    await screenshot(driver, `${name}-FAILED`).catch(() => {});
    throw error;
  } finally {
    await quit(driver);
    await driverServer.stop();
  }
}

/** Scrolls the element with `id` into view (the tabs sit below the fold). */
async function reveal(driver, id) {
  const el = await find(driver, id);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'start'});", el);
  return el;
}

/** Opens the GovCloud demo's coe-etl-prod-Service page. */
async function openEtl(driver) {
  await signIn(driver, "demo-govcloud");
  await click(driver, "cluster-link-coe-ecs-prod").catch(async () => {
    await click(driver, "cluster-row-coe-ecs-prod");
  });
  await find(driver, "service-row-coe-etl-prod-Service");
  // The services list shows a health dot per service.
  const dot = await find(driver, "service-health-coe-etl-prod-Service");
  await driver.wait(async () => (await dot.getAttribute("data-level")) !== "unknown", WAIT_MS, "no health on the list");
  assert.equal(await dot.getAttribute("data-level"), "green");
  await click(driver, "service-link-coe-etl-prod-Service");
  await find(driver, "service-view");
}

/** Walks every tab, checking what it shows and saving `prefix-<tab>.png`. */
async function walkTabs(driver, prefix) {
  const banner = await find(driver, "health-banner");
  await driver.wait(async () => (await banner.getAttribute("data-level")) !== "unknown", WAIT_MS, "no health roll-up");
  assert.equal(await banner.getAttribute("data-level"), "green");
  await waitText(driver, "health-summary", /^Healthy: 1 of 1 task running/);

  // Metrics: six charts with data, the hover read-out, a longer range.
  await reveal(driver, "health-tabs");
  await click(driver, "health-tab-metrics");
  for (const id of ["cpu", "memory", "requests", "errors", "latency", "targets"]) {
    const chart = await find(driver, `chart-${id}`);
    assert.equal(await chart.getAttribute("data-empty"), "false", `${id} has data`);
  }
  const canvas = await find(driver, "chart-canvas-cpu");
  await driver.actions().move({ origin: canvas, x: 60, y: 0 }).perform();
  await waitText(driver, "chart-readout-cpu", /average: [\d.]+ %/);
  await screenshot(driver, `${prefix}-metrics`);
  await click(driver, "range-1w");
  await waitText(driver, "metrics-period", /One point per 15 min/);
  await driver.actions().move({ origin: await find(driver, "health-tab-events"), x: 0, y: 0 }).perform();
  await reveal(driver, "health-tabs");
  await screenshot(driver, `${prefix}-metrics-week`);
  await click(driver, "range-1h");

  await click(driver, "health-tab-deployments");
  await find(driver, "health-deployments-table");
  const diff = await find(driver, "revision-diff");
  assert.match(await diff.getText(), /coe-etl-prod:2 to coe-etl-prod:3/);
  assert.match(await diff.getText(), /MEDIA_URL/);
  await reveal(driver, "health-tabs");
  await screenshot(driver, `${prefix}-deployments`);

  await click(driver, "health-tab-events");
  await find(driver, "health-events-list");
  const glosses = await driver.findElements(tid("event-gloss"));
  assert.ok(glosses.length > 0, "events carry a plain-language gloss");
  await reveal(driver, "health-tabs");
  await screenshot(driver, `${prefix}-events`);

  await click(driver, "health-tab-targets");
  const rows = await driver.wait(async () => {
    const found = await driver.findElements(tid("target-row"));
    return found.length > 0 ? found : null;
  }, WAIT_MS);
  assert.equal(await rows[0].getAttribute("data-state"), "healthy");
  await reveal(driver, "health-tabs");
  await screenshot(driver, `${prefix}-targets`);

  await click(driver, "health-tab-alarms");
  await find(driver, "alarms-table");
  // Each alarm and the log group open in the GovCloud console (not clicked: that starts a browser).
  const alarmRows = await driver.findElements(tid("alarm-row"));
  assert.equal((await driver.findElements(tid("alarm-open-console"))).length, alarmRows.length);
  await reveal(driver, "health-tabs");
  await screenshot(driver, `${prefix}-alarms`);

  await click(driver, "health-tab-stopped");
  await driver.wait(
    async () => (await driver.findElements(tid("stopped-tab"))).length + (await driver.findElements(tid("empty-stopped-diagnoses"))).length > 0,
    WAIT_MS,
  );
  await reveal(driver, "health-tabs");
  await screenshot(driver, `${prefix}-stopped`);

  await click(driver, "health-tab-logs");
  await waitText(driver, "log-group", /\/ecs\/coe-etl-prod/);
  assert.match(await (await find(driver, "logs-open-console")).getAttribute("title"), /GovCloud AWS console/);
  await driver.wait(async () => Number(await (await find(driver, "log-list")).getAttribute("data-count")) > 0, WAIT_MS, "no recent lines");
  await click(driver, "logs-errors");
  await waitText(driver, "logs-status", /lines with ERROR/);
  await click(driver, "logs-recent");
  await driver.wait(async () => Number(await (await find(driver, "log-list")).getAttribute("data-count")) > 0, WAIT_MS);
  await reveal(driver, "health-tabs");
  await screenshot(driver, `${prefix}-logs`);
}

test("coe-etl-prod-Service health: banner, charts, deployments, events, targets, alarms, stopped tasks, logs (light)", async () => {
  await withApp("health-light", {}, async (driver) => {
    await openEtl(driver);
    await walkTabs(driver, "health-light");
    // The banner at the top of the page, for the review of the whole page.
    await driver.executeScript("window.scrollTo(0, 0);");
    await screenshot(driver, "health-light-page");

    // Per-service thresholds: a bad value is refused with the field named; a CPU limit of 1 %
    // turns the banner amber for CPU; resetting to the runbook defaults turns it green again.
    await click(driver, "thresholds-open");
    const cpu = await find(driver, "threshold-cpuPercent");
    assert.equal(await cpu.getAttribute("value"), "70");
    await cpu.clear();
    await cpu.sendKeys("150");
    await waitText(driver, "thresholds-problem", /^CPU must be between 1 and 100/);
    assert.equal(await (await find(driver, "thresholds-save")).isEnabled(), false);
    await screenshot(driver, "health-light-thresholds-invalid");
    await cpu.clear();
    await cpu.sendKeys("1");
    await click(driver, "thresholds-save");
    await find(driver, "thresholds-saved");
    const banner = await find(driver, "health-banner");
    await driver.wait(async () => (await banner.getAttribute("data-level")) === "amber", WAIT_MS, "CPU above 1 % is not amber");
    await waitText(driver, "health-summary", /CPU/);
    await screenshot(driver, "health-light-thresholds-saved");
    await click(driver, "thresholds-reset");
    await driver.wait(async () => (await banner.getAttribute("data-level")) === "green", WAIT_MS, "not green after reset");
    assert.equal(await (await find(driver, "threshold-cpuPercent")).getAttribute("value"), "70");
    await click(driver, "thresholds-close");
  });
});

test("coe-etl-prod-Service health in the dark theme", async () => {
  await withApp("health-dark", { GTK_THEME: "Adwaita:dark" }, async (driver) => {
    const dark = await driver.executeScript("return window.matchMedia('(prefers-color-scheme: dark)').matches");
    // Contrast in the dark theme, checked by axe on each of these views.
    await openEtl(driver);
    await find(driver, "health-banner");
    await screenshot(driver, `health-dark-page${dark ? "" : "-(no-dark-support)"}`);
    for (const tab of ["deployments", "events", "alarms", "stopped"]) {
      await click(driver, `health-tab-${tab}`);
      await reveal(driver, "health-tabs");
      await screenshot(driver, `health-dark-${tab}${dark ? "" : "-(no-dark-support)"}`);
    }
    await click(driver, "health-tab-metrics");
    await find(driver, "chart-cpu");
    await reveal(driver, "health-tabs");
    await screenshot(driver, `health-dark-metrics${dark ? "" : "-(no-dark-support)"}`);
    await click(driver, "health-tab-logs");
    await find(driver, "log-list");
    await screenshot(driver, `health-dark-logs${dark ? "" : "-(no-dark-support)"}`);
    const log = By.css('[data-testid="log-line"]');
    await driver.wait(async () => (await driver.findElements(log)).length > 0, WAIT_MS);
    // The restart plan in the dark theme; nothing is confirmed.
    await driver.executeScript("window.scrollTo(0, 0);");
    await click(driver, "action-restart");
    await find(driver, "plan-title");
    await screenshot(driver, `health-dark-plan${dark ? "" : "-(no-dark-support)"}`);
    await click(driver, "plan-cancel");
    // The sign-in view in the dark theme: axe only, as WebKitWebDriver's screenshot of this view
    // never returns in the dark theme under Xvfb.
    await click(driver, "new-session");
    await find(driver, "profile-row-demo-govcloud");
    if (dark) await checkA11y(driver, "health-dark-signin");
  });
});
