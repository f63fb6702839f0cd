// The jobs of docs/guide.md that no other spec walks, in the real window against the simulator's
// demo scenario: find why a service's tasks stop, watch several accounts on the fleet page, roll a
// broken service back, scale a service, and stop one task. Every screenshot named guide-<job>-<nn>
// illustrates one numbered step of the guide (tests/e2e/lib/publish-guide.mjs copies the ones the
// guide uses into docs/images/ after a passing run).
//
// The tests share one simulator and one data folder and run in order: the fleet test pins the
// crash-looping worker before the roll-back test repairs it, and the stop-task test uses the
// third task the scale test starts.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, quit, screenshot, signIn, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();

/** An action's watch runs to its verdict within this (the simulator runs ten times faster). */
const VERDICT_MS = 180_000;

/** Runs `body` with a fresh app window, saving a screenshot if it fails. */
async function withApp(name, body) {
  const driver = await launchApp(env.driverServer);
  try {
    await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
    await body(driver);
  } catch (error) {
    await screenshot(driver, `guide-${name}-FAILED`).catch(() => {});
    throw error;
  } finally {
    await quit(driver);
  }
}

/** Scrolls the element with `id` to the top of the window. */
async function reveal(driver, id, extra = "") {
  const el = await find(driver, id, extra);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'start'});", el);
  return el;
}

/** Opens `service` of `cluster` from the clusters view of the current session. */
async function openService(driver, cluster, service) {
  await click(driver, `cluster-link-${cluster}`);
  await find(driver, "services-view");
  await click(driver, `service-link-${service}`);
  await find(driver, "service-view");
  await waitText(driver, "service-name", service);
}

/** Waits for the health banner to settle on a level other than "unknown"; returns it. */
async function bannerLevel(driver) {
  const banner = await find(driver, "health-banner");
  await driver.wait(async () => (await banner.getAttribute("data-level")) !== "unknown", WAIT_MS, "no health roll-up");
  return banner.getAttribute("data-level");
}

/** Pins the open service to the fleet. */
async function pin(driver) {
  const star = await find(driver, "pin-toggle");
  await driver.wait(async () => (await star.getAttribute("disabled")) === null, WAIT_MS, "pin button stays disabled");
  if ((await star.getAttribute("aria-pressed")) === "true") return;
  await star.click();
  await driver.wait(async () => (await star.getAttribute("aria-pressed")) === "true", WAIT_MS, "not pinned");
}

/** Waits for the action's verdict on the service page and returns its outcome. */
async function verdictOf(driver) {
  const verdict = await find(driver, "verdict", "", VERDICT_MS);
  return { outcome: await verdict.getAttribute("data-outcome"), text: await verdict.getText() };
}

test("why tasks stop: worker-staging-Service crash-loops on an arm64 image", async () => {
  await withApp("stopped", async (driver) => {
    await signIn(driver, "demo-commercial");
    await click(driver, "cluster-link-coe-ecs-staging");
    await find(driver, "services-view");
    // The services list marks the crash-looping worker red before anyone opens it.
    const dot = await find(driver, "service-health-worker-staging-Service");
    await driver.wait(async () => (await dot.getAttribute("data-level")) !== "unknown", WAIT_MS, "no health on the list");
    assert.equal(await dot.getAttribute("data-level"), "red");
    assert.equal(await (await find(driver, "service-health-api-staging-Service")).getAttribute("data-level"), "green");
    await screenshot(driver, "guide-stopped-01-services-list");

    // The banner says what is wrong in a sentence.
    await click(driver, "service-link-worker-staging-Service");
    await find(driver, "service-view");
    assert.equal(await bannerLevel(driver), "red");
    const summary = await (await find(driver, "health-summary")).getText();
    assert.match(summary, /0 of 1|stopped|running/i, summary);
    await screenshot(driver, "guide-stopped-02-banner");

    // Stopped tasks: the diagnosis in plain words, the exit code and the last log lines.
    await reveal(driver, "health-tabs");
    await click(driver, "health-tab-stopped");
    await find(driver, "stopped-tab");
    const items = await driver.findElements(tid("stopped-item"));
    assert.ok(items.length >= 1, "at least one stopped task");
    assert.equal(await items[0].getAttribute("data-cause"), "wrongArchitecture");
    assert.match(await items[0].findElement(tid("diagnosis-advice")).getText(), /\S/);
    await items[0].findElement(By.css("details summary")).click();
    assert.match(await items[0].findElement(tid("last-lines")).getText(), /exec format error/);
    await reveal(driver, "health-tabs");
    await screenshot(driver, "guide-stopped-03-diagnosis");

    // What changed in the latest deployment: the image moved to an arm64 build.
    await click(driver, "health-tab-deployments");
    const diff = await find(driver, "revision-diff");
    assert.match(await diff.getText(), /worker-staging:2 to worker-staging:3/);
    assert.match(await diff.getText(), /arm64/);
    await reveal(driver, "health-tabs");
    await screenshot(driver, "guide-stopped-04-what-changed");

    // The error lines of the last hour.
    await click(driver, "health-tab-logs");
    await waitText(driver, "log-group", /\/ecs\/worker-staging/);
    await click(driver, "logs-errors");
    await waitText(driver, "logs-status", /^[1-9][\d,]* lines with ERROR/);
    await reveal(driver, "health-tabs");
    await screenshot(driver, "guide-stopped-05-error-lines");

    // History keeps the stopped tasks with their diagnosis after ECS has forgotten them.
    await click(driver, "history-toggle");
    const kept = await driver.wait(async () => {
      const found = await driver.findElements(tid("history-stopped-row"));
      return found.length > 0 ? found : null;
    }, WAIT_MS, "no stopped task in the history");
    assert.match(await kept[0].getText(), /Image built for another CPU architecture/);
    await reveal(driver, "history-panel");
    await screenshot(driver, "guide-stopped-06-history");

    // An incident snapshot: an HTML and a Markdown file with the diagnosis in them.
    await click(driver, "snapshot-button");
    const written = await waitText(driver, "snapshot-written", /ECS Desk\/worker-staging-Service-\d{8}-\d{6}\.html/, { timeout: 60_000 });
    const html = /Saved (.+\.html) and /.exec(written)?.[1];
    assert.ok(html !== undefined, written);
    const page = await readFile(html, "utf8");
    assert.match(page, /worker-staging-Service/);
    assert.match(page, /Image built for another CPU architecture/);
    assert.match(await readFile(html.replace(/\.html$/, ".md"), "utf8"), /worker-staging-Service/);
    await driver.executeScript("window.scrollTo(0, 0);");
    await screenshot(driver, "guide-stopped-07-snapshot");
  });
});

test("fleet: services of a GovCloud and a commercial account on one page, worst first", async () => {
  await withApp("fleet", async (driver) => {
    await signIn(driver, "demo-govcloud");
    await openService(driver, "coe-ecs-prod", "coe-etl-prod-Service");
    await pin(driver);
    await screenshot(driver, "guide-fleet-01-pin");
    await signIn(driver, "demo-commercial");
    const commercial = ["api-staging-Service", "worker-staging-Service", "reports-staging-Service", "search-staging-Service"];
    for (const service of commercial) {
      await click(driver, "crumb-region");
      await openService(driver, "coe-ecs-staging", service);
      await pin(driver);
    }

    await click(driver, "fleet-link");
    await find(driver, "fleet-view");
    await driver.wait(async () => (await driver.findElements(tid("fleet-row"))).length === 5, WAIT_MS, "five fleet rows");
    // Every row has its health once the fleet is read; then the worst comes first.
    await driver.wait(
      async () => {
        for (const row of await driver.findElements(tid("fleet-row"))) {
          if ((await row.getAttribute("data-level")) === "unknown") return false;
        }
        return true;
      },
      WAIT_MS,
      "a fleet row has no health",
    );
    const rank = { red: 0, unknown: 1, amber: 2, green: 3 };
    const rows = [];
    for (const row of await driver.findElements(tid("fleet-row"))) {
      rows.push({
        service: await row.getAttribute("data-service"),
        partition: await row.getAttribute("data-partition"),
        level: await row.getAttribute("data-level"),
      });
    }
    for (let i = 1; i < rows.length; i += 1) {
      assert.ok(rank[rows[i - 1].level] <= rank[rows[i].level], `not worst first: ${JSON.stringify(rows)}`);
    }
    // The crash-looping worker and the out-of-memory reports service are broken, the service at
    // 90 % CPU needs attention, the other two are healthy.
    const level = Object.fromEntries(rows.map((r) => [r.service, r.level]));
    assert.equal(level["worker-staging-Service"], "red");
    assert.equal(level["search-staging-Service"], "amber");
    assert.equal(level["coe-etl-prod-Service"], "green");
    assert.equal(rows[0].level, "red");
    assert.deepEqual([...new Set(rows.map((r) => r.partition))].sort(), ["aws", "aws-us-gov"]);
    await waitText(driver, "fleet-counts", /\d broken.*\d need attention.*\d healthy/s);
    await waitText(driver, "fleet-refresh", "Refresh");
    await screenshot(driver, "guide-fleet-02-worst-first");

    // Ctrl+K finds a service of any signed-in account by part of its name.
    await driver.findElement(By.css("body")).sendKeys(Key.chord(Key.CONTROL, "k"));
    const input = await find(driver, "palette-input");
    await input.sendKeys("etl prod");
    await driver.wait(
      async () => {
        const items = await driver.findElements(tid("palette-item"));
        return items.length >= 1 && (await items[0].getAttribute("data-service")) === "coe-etl-prod-Service";
      },
      WAIT_MS,
      "the palette does not list coe-etl-prod-Service first",
    );
    await screenshot(driver, "guide-fleet-03-palette");
    await input.sendKeys(Key.ESCAPE);
    await driver.wait(async () => (await driver.findElements(tid("palette-input"))).length === 0, WAIT_MS, "the palette stayed open");

    // A row opens its service, in its own session.
    const row = await driver.findElement(By.css('[data-testid="fleet-row"][data-service="worker-staging-Service"]'));
    await row.findElement(By.css("td.service-cell")).click();
    await find(driver, "service-view");
    await waitText(driver, "service-name", "worker-staging-Service");
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws");
    await screenshot(driver, "guide-fleet-04-opened-from-fleet");
  });
});

test("roll back worker-staging-Service to the revision that worked", async () => {
  await withApp("rollback", async (driver) => {
    await signIn(driver, "demo-commercial");
    await openService(driver, "coe-ecs-staging", "worker-staging-Service");
    await find(driver, "actions-card");
    const before = (await env.sim.control("/_sim/calls"))["ecs:UpdateService"] ?? 0;

    // A restart of the broken version is planned with the roll-back recommended instead.
    await click(driver, "action-restart");
    await waitText(driver, "plan-title", "Restart worker-staging-Service (force new deployment)");
    const alternative = await find(driver, "plan-alternative");
    assert.match(await alternative.getText(), /Roll back to worker-staging:2/);
    await screenshot(driver, "guide-rollback-01-restart-suggests-rollback");
    await click(driver, "plan-cancel");
    await driver.wait(async () => (await driver.findElements(tid("action-dialog"))).length === 0, WAIT_MS, "the dialog stayed");

    // Roll back…: choose the revision, read the plan, type the name, watch it to the verdict.
    await click(driver, "action-rollback");
    const select = await find(driver, "revision-select");
    await driver.wait(async () => (await select.getAttribute("value")) === "2", WAIT_MS, "revision 2 is not offered first");
    assert.match(await (await select.findElement(By.css('option[value="2"]'))).getText(), /worker:3\.8\.0/);
    await screenshot(driver, "guide-rollback-02-choose-revision");
    await click(driver, "details-next");
    await waitText(driver, "plan-title", "Roll back worker-staging-Service to worker-staging:2");
    assert.match(await (await find(driver, "plan-steps")).getText(), /ECS deploys worker-staging:2 in place of worker-staging:3/);
    const confirm = await find(driver, "plan-confirm");
    assert.equal(await confirm.getText(), "Deploy revision 2");
    assert.equal(await confirm.isEnabled(), false, "a roll-back asks for the typed name");
    await (await find(driver, "typed-confirmation")).sendKeys("worker-staging-Service");
    await driver.wait(async () => confirm.isEnabled(), WAIT_MS, "confirm stays disabled after typing the name");
    await screenshot(driver, "guide-rollback-03-plan");
    await confirm.click();

    const verdict = await verdictOf(driver);
    assert.equal(verdict.outcome, "completed", verdict.text);
    assert.equal((await env.sim.control("/_sim/calls"))["ecs:UpdateService"] - before, 1, "exactly one UpdateService");
    await waitText(driver, "service-taskdef", /worker-staging:2/);
    await waitText(driver, "service-counts", /^1\/1/);
    // The banner reads the service again and no longer says that nothing runs.
    await click(driver, "health-refresh");
    await waitText(driver, "health-summary", /^(?!No tasks are running)\S/);
    await driver.executeScript("window.scrollTo(0, 0);");
    await screenshot(driver, "guide-rollback-04-verdict");
  });
});

test("scale api-staging-Service from 2 to 3 tasks", async () => {
  await withApp("scale", async (driver) => {
    await signIn(driver, "demo-commercial");
    await openService(driver, "coe-ecs-staging", "api-staging-Service");
    await waitText(driver, "service-counts", /^2\/2/);
    // Not production by name: a click confirms a safe action.
    await waitText(driver, "protection-level", "Confirm");

    await click(driver, "action-scale");
    const count = await find(driver, "scale-input");
    assert.equal(await count.getAttribute("value"), "2");
    await count.clear();
    await count.sendKeys("3");
    await driver.wait(async () => (await find(driver, "details-next")).isEnabled(), WAIT_MS, "Review the plan stays disabled");
    await screenshot(driver, "guide-scale-01-how-many");
    await click(driver, "details-next");

    await waitText(driver, "plan-title", "Scale api-staging-Service from 2 tasks to 3 tasks");
    assert.equal(await (await find(driver, "plan-risk")).getAttribute("data-risk"), "safe");
    assert.match(await (await find(driver, "plan-risk-sentence")).getText(), /running tasks are not touched/);
    assert.equal((await driver.findElements(tid("typed-confirmation"))).length, 0, "no typed name for a safe action here");
    const confirm = await find(driver, "plan-confirm");
    assert.equal(await confirm.getText(), "Scale to 3");
    assert.equal(await confirm.isEnabled(), true);
    await screenshot(driver, "guide-scale-02-plan");
    await confirm.click();

    const verdict = await verdictOf(driver);
    assert.equal(verdict.outcome, "completed", verdict.text);
    await waitText(driver, "service-counts", /^3\/3/);
    await click(driver, "health-refresh");
    await waitText(driver, "health-summary", /3 of 3 tasks running/);
    await driver.executeScript("window.scrollTo(0, 0);");
    await screenshot(driver, "guide-scale-03-verdict");
  });
});

test("stop a task: the only task of a production service, then one of three", async () => {
  await withApp("stop", async (driver) => {
    // coe-etl-prod-Service runs one task: stopping it means downtime, and the plan says so.
    await signIn(driver, "demo-govcloud");
    await openService(driver, "coe-ecs-prod", "coe-etl-prod-Service");
    await find(driver, "tasks-table");
    await reveal(driver, "tasks-table");
    await click(driver, "task-stop");
    await (await find(driver, "stop-reason")).sendKeys("Not responding after the database failover");
    await screenshot(driver, "guide-stop-01-reason");
    await click(driver, "details-next");
    await find(driver, "plan-title");
    assert.equal(await (await find(driver, "plan-risk")).getAttribute("data-risk"), "danger");
    assert.match(await (await find(driver, "plan-risk-sentence")).getText(), /down for up to 5 minutes/);
    assert.match(await (await find(driver, "plan-alternative")).getText(), /Restart \(force new deployment\)/);
    await screenshot(driver, "guide-stop-02-only-task-plan");
    await click(driver, "plan-cancel");
    await driver.wait(async () => (await driver.findElements(tid("action-dialog"))).length === 0, WAIT_MS, "the dialog stayed");

    // api-staging-Service runs three tasks: stopping one keeps the service up.
    await signIn(driver, "demo-commercial");
    await openService(driver, "coe-ecs-staging", "api-staging-Service");
    await waitText(driver, "service-counts", /^3\/3/);
    const stops = await driver.wait(async () => {
      const found = await driver.findElements(tid("task-stop"));
      return found.length === 3 ? found : null;
    }, WAIT_MS, "three running tasks");
    const taskId = await stops[0].getAttribute("data-task-id");
    await driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", stops[0]);
    await stops[0].click();
    await (await find(driver, "stop-reason")).sendKeys("Memory leak suspected, recycle one task");
    await click(driver, "details-next");
    await waitText(driver, "plan-title", `Stop task ${taskId} of api-staging-Service`);
    assert.equal(await (await find(driver, "plan-risk")).getAttribute("data-risk"), "caution");
    assert.match(await (await find(driver, "plan-risk-sentence")).getText(), /the service stays up/);
    await (await find(driver, "typed-confirmation")).sendKeys("api-staging-Service");
    const confirm = await find(driver, "plan-confirm");
    await driver.wait(async () => confirm.isEnabled(), WAIT_MS, "confirm stays disabled after typing the name");
    await screenshot(driver, "guide-stop-03-plan");
    await confirm.click();

    const verdict = await verdictOf(driver);
    assert.equal(verdict.outcome, "completed", verdict.text);
    // The audit log keeps the reason typed.
    await click(driver, "open-audit");
    await find(driver, "audit-table");
    const rows = await driver.findElements(tid("audit-row"));
    assert.match(await rows[0].getText(), /Stop task/);
    assert.match(await rows[0].getText(), /Reason: Memory leak suspected, recycle one task/);
    await screenshot(driver, "guide-stop-04-audit");
    await click(driver, "audit-export");
    await waitText(driver, "audit-exported", /Saved to .+\.csv/);
    await click(driver, "audit-close");
  });
});
