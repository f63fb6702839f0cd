// ECS deployments as they are now, in the real window against the simulator's demo: the 90-day
// history and a blue/green deployment in bake time, rolled back by ECS itself from the
// Deployments tab (traffic returns to the old tasks, nothing new starts); a canary deployment
// with its traffic split; a linear deployment paused at its hook, continued to the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { By } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, quit, screenshot, signIn, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();
const CLUSTER = "release-strategies";

/** Opens `service` of the release-strategies cluster on its Deployments tab. */
async function deploymentsOf(driver, service) {
  await click(driver, "crumb-region").catch(() => {});
  await click(driver, `cluster-link-${CLUSTER}`);
  await click(driver, `service-link-${service}`);
  await waitText(driver, "service-name", service);
  await click(driver, "health-tab-deployments");
  await find(driver, "deployment-history");
  await driver.executeScript("arguments[0].scrollIntoView({block: 'start'});", await find(driver, "health-tabs"));
}

/** Types the service name and confirms the plan on screen. */
async function confirmPlan(driver, service) {
  const confirm = await find(driver, "plan-confirm");
  if ((await driver.findElements(tid("typed-confirmation"))).length > 0) {
    await (await find(driver, "typed-confirmation")).sendKeys(service);
  }
  await driver.wait(async () => confirm.isEnabled(), WAIT_MS, "confirm stays disabled");
  await confirm.click();
}

const calls = async (op) => (await env.sim.control("/_sim/calls"))[op] ?? 0;

test("roll back a blue/green deployment during bake time, watch a canary, continue a paused linear deployment", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
    await signIn(driver, "demo-commercial", "us-east-1");

    // Canary first (its 10 % step lasts 20 simulated minutes, two real ones at the demo's speed):
    // a share of the traffic on the new tasks while it proves itself.
    await deploymentsOf(driver, "pricing-canary-Service");
    const canary = await find(driver, "current-deployment");
    assert.equal(await canary.getAttribute("data-stage"), "PRODUCTION_TRAFFIC_SHIFT");
    assert.equal(await (await find(driver, "traffic-split")).getAttribute("data-new"), "10");
    assert.match(await (await find(driver, "deployment-strategy")).getText(), /^Canary: 10 % of traffic for 20 minutes, then all/);
    await screenshot(driver, "strategies-04-canary-split");

    // Blue/green in bake time: all production traffic on the new tasks, the old ones still up.
    const service = "storefront-bluegreen-Service";
    await deploymentsOf(driver, service);
    assert.equal(await (await find(driver, "service-controller")).getText(), "ECS (blue/green)");
    assert.match(await (await find(driver, "service-load-balancers")).getText(), /storefront-blue-tg ⇄ storefront-green-tg/);
    const current = await find(driver, "current-deployment");
    assert.equal(await current.getAttribute("data-stage"), "BAKE_TIME");
    assert.equal(await (await find(driver, "traffic-split")).getAttribute("data-new"), "100");
    await find(driver, "bake-countdown");
    assert.match(await (await find(driver, "deployment-strategy")).getText(), /^Blue\/green/);
    const rows = await driver.findElements(tid("history-row"));
    assert.ok(rows.length >= 3, `history rows: ${rows.length}`);
    assert.ok((await driver.findElements(tid("history-row", '[data-status="ROLLBACK_SUCCESSFUL"]'))).length >= 1);
    await screenshot(driver, "strategies-01-bluegreen-bake");

    // ECS's own rollback: the plan says traffic goes back at once and nothing new starts.
    const [stops, updates] = [await calls("ecs:StopServiceDeployment"), await calls("ecs:UpdateService")];
    await click(driver, "deployment-rollback");
    await waitText(driver, "plan-title", new RegExp(`^Roll back the deployment of .* on ${service}$`));
    const steps = await (await find(driver, "plan-steps")).getText();
    assert.match(steps, /Production traffic goes back to the old tasks .* at once/);
    assert.match(steps, /no new tasks are started/);
    await screenshot(driver, "strategies-02-rollback-plan");
    await confirmPlan(driver, service);
    const verdict = await find(driver, "verdict", "", 120_000);
    assert.equal(await verdict.getAttribute("data-outcome"), "completed", await verdict.getText());
    assert.match(await (await find(driver, "verdict-headline")).getText(), /^Rolled back: .* serves all traffic from .* again/);
    assert.equal((await calls("ecs:StopServiceDeployment")) - stops, 1, "exactly one StopServiceDeployment");
    assert.equal(await calls("ecs:UpdateService"), updates, "no UpdateService");
    await driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", verdict);
    await screenshot(driver, "strategies-03-rollback-verdict");

    // The history now says so; nothing is in progress any more.
    await click(driver, "health-tab-events");
    await click(driver, "health-tab-deployments");
    await find(driver, "history-row", '[data-status="ROLLBACK_SUCCESSFUL"]');
    await driver.wait(async () => (await driver.findElements(tid("current-deployment"))).length === 0, WAIT_MS, "still shown as in progress");

    // Linear, paused at its hook: continue it and watch it to the end.
    const linear = "search-linear-Service";
    await deploymentsOf(driver, linear);
    await find(driver, "pause-hook");
    assert.match(await (await find(driver, "pause-hook")).getText(), /ECS will roll back by itself in/);
    await screenshot(driver, "strategies-05-linear-paused");
    await click(driver, "deployment-continue");
    await waitText(driver, "plan-title", new RegExp(`^Continue the deployment of .* on ${linear}$`));
    assert.match(await (await find(driver, "plan-steps")).getText(), /25 % at a time, every 2 minutes/);
    await screenshot(driver, "strategies-06-continue-plan");
    await confirmPlan(driver, linear);
    await driver.wait(
      async () => (await driver.findElements(tid("progress-traffic"))).length > 0 || (await driver.findElements(tid("verdict"))).length > 0,
      120_000,
      "no traffic shown while the linear deployment moves",
    );
    // The tab below follows the watch: the pause is over, traffic moves.
    await driver.wait(
      async () => {
        const cards = await driver.findElements(tid("current-deployment"));
        return cards.length === 0 || (await cards[0].getAttribute("data-stage")) !== "POST_TEST_TRAFFIC_SHIFT";
      },
      60_000,
      "the Deployments tab still shows the pause",
    );
    await screenshot(driver, "strategies-07-linear-progress");
    const done = await find(driver, "verdict", "", 240_000);
    assert.equal(await done.getAttribute("data-outcome"), "completed", await done.getText());
    assert.equal(await calls("ecs:ContinueServiceDeployment"), 1);

    // Both actions are in the audit log with their verdicts.
    await click(driver, "open-audit");
    await find(driver, "audit-table");
    // The log opens on this service; the rollback was on another one.
    await click(driver, "audit-only-service");
    await driver.wait(async () => (await driver.findElements(tid("audit-row"))).length >= 2, WAIT_MS, "both actions listed");
    const audit = await driver.findElements(By.css('[data-testid="audit-row"]'));
    assert.ok(audit.length >= 2);
    assert.match(await audit[0].getText(), /Continue a paused deployment/);
    assert.match(await audit[1].getText(), /Roll back a deployment in progress/);
    await screenshot(driver, "strategies-08-audit");
  } catch (e) {
    await screenshot(driver, "strategies-FAILED").catch(() => {});
    throw e;
  } finally {
    await quit(driver);
  }
});
