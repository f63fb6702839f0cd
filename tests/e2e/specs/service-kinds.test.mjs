// Services as AWS really runs them, in the real window against the simulator's demo scenario: a
// Fargate Spot service whose reclaimed tasks are not counted as failures, an EC2 bridge-mode
// service whose load-balancer targets are instances on dynamic ports, and target-tracking alarms
// shown as scaling rather than trouble; a daemon and services deployed by AWS CodeDeploy or an
// external tool, where ECS refuses some actions and the app says why instead of offering them; a
// deployment whose tasks never start because their secret may not be read; logs sent to another
// region; a service behind a network load balancer.
// Each with its actions, screenshotted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { By } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, quit, screenshot, signIn, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();

/** Opens `service` of `cluster` from the clusters view of the commercial session. */
async function open(driver, cluster, service) {
  await click(driver, "crumb-region").catch(() => {});
  await click(driver, `cluster-link-${cluster}`);
  await click(driver, `service-link-${service}`);
  await waitText(driver, "service-name", service);
  const banner = await find(driver, "health-banner");
  await driver.wait(async () => (await banner.getAttribute("data-level")) !== "unknown", WAIT_MS, "no health roll-up");
  return banner;
}

/** Shows a health tab at the top of the window. */
async function showTab(driver, tab) {
  await click(driver, `health-tab-${tab}`);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'start'});", await find(driver, "health-tabs"));
}

test("a Spot service, an EC2 bridge-mode service, scaling alarms, a daemon and CodeDeploy, each as AWS runs it", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
    await signIn(driver, "demo-commercial", "us-east-1");

    // Fargate Spot: reclaimed tasks are said to be reclaimed, and the service stays green.
    let banner = await open(driver, "service-kinds", "spot-batch-Service");
    assert.equal(await banner.getAttribute("data-level"), "green", await banner.getText());
    await find(driver, "action-restart");
    await screenshot(driver, "kinds-01-spot-service");
    await showTab(driver, "stopped");
    const item = await find(driver, "stopped-item");
    assert.equal(await item.getAttribute("data-cause"), "spotInterruption");
    await waitText(driver, "diagnosis-title", "Reclaimed by AWS (Fargate Spot)");
    await screenshot(driver, "kinds-02-spot-reclaimed");

    // EC2 bridge mode: the targets are instances on dynamic ports, each matched to its task.
    banner = await open(driver, "tak-ec2-dev", "cot-router-dev-Service");
    await find(driver, "action-restart");
    await showTab(driver, "targets");
    const rows = await driver.wait(async () => {
      const found = await driver.findElements(tid("target-row"));
      return found.length >= 2 ? found : null;
    }, WAIT_MS);
    for (const row of rows) assert.match(await row.getText(), /i-[0-9a-f]+/);
    await screenshot(driver, "kinds-03-ec2-instance-targets");

    // Target tracking: its low alarm is in ALARM at quiet hours; shown as scaling, service green.
    banner = await open(driver, "coe-ecs-staging", "api-staging-Service");
    assert.equal(await banner.getAttribute("data-level"), "green", await banner.getText());
    await showTab(driver, "alarms");
    const scaling = await driver.findElements(By.css('[data-testid="alarm-row"][data-scaling="true"]'));
    assert.equal(scaling.length, 2, "both target-tracking alarms");
    await find(driver, "alarm-scaling-note");
    await screenshot(driver, "kinds-04-scaling-alarms");

    // CodeDeploy blue/green: restart and roll back are not offered, with the reason; scale is.
    await open(driver, "service-kinds", "checkout-bluegreen-Service");
    await waitText(driver, "service-controller", "AWS CodeDeploy (blue/green)");
    const actions = await find(driver, "actions-card");
    await driver.wait(async () => !(await (await find(driver, "action-scale")).getAttribute("disabled")), WAIT_MS, "scale offered");
    assert.equal(await (await find(driver, "action-restart")).getAttribute("disabled"), "true");
    assert.equal(await (await find(driver, "action-rollback")).getAttribute("disabled"), "true");
    assert.match(await (await find(driver, "actions-limits")).getText(), /Restart or roll back is not offered\. AWS CodeDeploy deploys this service/);
    await driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", actions);
    await screenshot(driver, "kinds-05-codedeploy-actions");

    // A daemon: one task on each instance; its count cannot be set, a restart is offered.
    await open(driver, "service-kinds", "log-agent-Daemon");
    await waitText(driver, "service-scheduling", "Daemon (one task on each instance)");
    await driver.wait(async () => !(await (await find(driver, "action-restart")).getAttribute("disabled")), WAIT_MS, "restart offered");
    assert.equal(await (await find(driver, "action-scale")).getAttribute("disabled"), "true");
    assert.match(await (await find(driver, "actions-limits")).getText(), /Scale is not offered\. This is a daemon service/);
    await driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", await find(driver, "actions-card"));
    await screenshot(driver, "kinds-06-daemon-actions");

    // A deployment whose tasks cannot read their secret: said in words, naming role and secret.
    banner = await open(driver, "start-failures", "secrets-denied-Service");
    assert.notEqual(await banner.getAttribute("data-level"), "green", await banner.getText());
    await showTab(driver, "stopped");
    await waitText(driver, "diagnosis-title", "Not allowed to read what the task needs");
    assert.match(
      await (await find(driver, "diagnosis-advice")).getText(),
      /ecsTaskExecutionRole is not allowed to call secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:\d+:secret:billing\/stripe-api-key-/,
    );
    await screenshot(driver, "kinds-07-secret-not-readable");

    // Logs the task definition sends to us-west-2 are read there, and say so.
    await open(driver, "service-kinds", "logs-in-us-west-2-Service");
    await showTab(driver, "logs");
    await waitText(driver, "log-region", "in us-west-2");
    await driver.wait(async () => Number(await (await find(driver, "log-list")).getAttribute("data-count")) > 0, WAIT_MS, "no lines from us-west-2");
    await screenshot(driver, "kinds-08-logs-in-another-region");

    // Behind a network load balancer: connections and resets, no request or latency charts.
    await open(driver, "service-kinds", "mqtt-broker-Service");
    await showTab(driver, "metrics");
    await find(driver, "chart-connections");
    assert.equal((await driver.findElements(tid("chart-requests"))).length, 0, "no request chart for TCP");
    await screenshot(driver, "kinds-09-network-load-balancer");
  } catch (error) {
    await screenshot(driver, "kinds-FAILED").catch(() => {});
    throw error;
  } finally {
    await quit(driver);
  }
});
