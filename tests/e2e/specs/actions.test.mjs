// Runbook 000 through the app: restart coe-etl-prod-Service (GovCloud, prod) with a force new
// deployment, reading the plan, typing the service name, and watching it reach a steady state.
import assert from "node:assert/strict";
import { test } from "node:test";
import { By } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, quit, screenshot, signIn, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();

test("restart coe-etl-prod-Service: plan, typed confirmation, progress, verdict, audit", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    await signIn(driver, "demo-govcloud");
    await click(driver, "cluster-link-coe-ecs-prod");
    await click(driver, "service-link-coe-etl-prod-Service");
    await waitText(driver, "service-name", "coe-etl-prod-Service");
    await find(driver, "actions-card");
    await waitText(driver, "protection-level", "Type the service name");
    const before = (await env.sim.control("/_sim/calls"))["ecs:UpdateService"] ?? 0;

    // The plan, in plain words, before anything changes.
    await click(driver, "action-restart");
    await waitText(driver, "plan-title", "Restart coe-etl-prod-Service (force new deployment)");
    assert.equal(await (await find(driver, "plan-partition")).getText(), "GovCloud");
    assert.equal(await (await find(driver, "plan-risk")).getAttribute("data-risk"), "safe");
    assert.match(await (await find(driver, "plan-risk-sentence")).getText(), /No downtime expected/);
    assert.match(await (await find(driver, "plan-steps")).getText(), /starts 1 new task beside the 1 old task/);
    const confirm = await find(driver, "plan-confirm");
    assert.equal(await confirm.isEnabled(), false, "confirm is disabled until the name is typed");
    await screenshot(driver, "actions-01-plan");

    // The confirmation: the service name, typed.
    const typed = await find(driver, "typed-confirmation");
    await typed.sendKeys("coe-etl-prod-Service");
    await driver.wait(async () => confirm.isEnabled(), WAIT_MS, "confirm stays disabled after typing the name");
    await screenshot(driver, "actions-02-confirmation");
    await confirm.click();

    // Live progress, then the verdict that stays.
    await find(driver, "action-progress");
    await driver.wait(
      async () => (await driver.findElements(tid("progress-facts"))).length > 0 || (await driver.findElements(tid("verdict"))).length > 0,
      WAIT_MS,
      "no progress reported",
    );
    await screenshot(driver, "actions-03-progress");
    const verdict = await find(driver, "verdict", "", 180_000);
    assert.equal(await verdict.getAttribute("data-outcome"), "completed", await verdict.getText());
    assert.match(await (await find(driver, "verdict-headline")).getText(), /coe-etl-prod-Service is steady/);
    assert.match(await verdict.getText(), /healthy target served traffic the whole time/);
    const after = (await env.sim.control("/_sim/calls"))["ecs:UpdateService"] ?? 0;
    assert.equal(after - before, 1, "exactly one UpdateService");
    await screenshot(driver, "actions-04-verdict");

    // The audit log holds the action with its verdict.
    await click(driver, "open-audit");
    await find(driver, "audit-table");
    const rows = await driver.findElements(By.css('[data-testid="audit-row"]'));
    assert.ok(rows.length >= 1);
    assert.match(await rows[0].getText(), /Restart \(force new deployment\)/);
    assert.match(await rows[0].getText(), /Done/);
    await screenshot(driver, "actions-05-audit");
    await click(driver, "audit-close");
    // The verdict is still on the page.
    await find(driver, "verdict");
  } catch (error) {
    await screenshot(driver, "actions-FAILED").catch(() => {});
    throw error;
  } finally {
    await quit(driver);
  }
});
