// The runbook-000 walk in the real window against the simulator's demo scenario:
// partition → account → region → cluster → service → task, plus the wrong-region hint and two
// sessions (GovCloud and commercial) side by side.
import assert from "node:assert/strict";
import { test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { WAIT_MS, choose, click, find, launchApp, quit, screenshot, signIn, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();

/** Runs `body` with a fresh app window, saving a screenshot if it fails. */
async function withApp(name, body) {
  const driver = await launchApp(env.driverServer);
  try {
    await body(driver);
  } catch (error) {
    await screenshot(driver, `${name}-FAILED`).catch(() => {});
    throw error;
  } finally {
    await quit(driver);
  }
}

async function crumbs(driver) {
  const out = {};
  for (const el of await driver.findElements(By.css('[data-testid="breadcrumbs"] [data-testid^="crumb-"]'))) {
    const id = (await el.getAttribute("data-testid")).replace(/^crumb-/, "");
    if (id !== "partition-badge") out[id] = (await el.getText()).trim();
  }
  return out;
}

test("GovCloud walk: demo-govcloud → coe-ecs-prod → coe-etl-prod-Service → its task", async () => {
  await withApp("walk", async (driver) => {
    // Sign-in: the GovCloud profile is marked and opens in us-gov-east-1 by default.
    await find(driver, "signin-view");
    const gov = await find(driver, "profile-row-demo-govcloud");
    assert.equal(await gov.findElement(tid("partition-badge")).getText(), "GovCloud");
    const com = await find(driver, "profile-row-demo-commercial");
    assert.equal(await com.findElement(tid("partition-badge")).getText(), "Commercial");
    await screenshot(driver, "01-signin");
    await gov.click();
    const select = await find(driver, "region-select");
    await driver.wait(async () => (await select.getAttribute("value")) === "us-gov-east-1", WAIT_MS, "us-gov-east-1 not preselected");
    const regions = await Promise.all((await select.findElements(By.css("option"))).map((o) => o.getAttribute("value")));
    assert.ok(regions.length >= 2, `GovCloud regions offered: ${regions.join(", ")}`);
    assert.ok(regions.every((r) => r.startsWith("us-gov-")), `only GovCloud regions expected, got ${regions.join(", ")}`);
    assert.equal(await (await find(driver, "selected-partition-badge")).getText(), "GovCloud");
    await screenshot(driver, "02-signin-govcloud-selected");
    await click(driver, "open-session");

    // Clusters of us-gov-east-1.
    await find(driver, "clusters-view");
    await find(driver, "cluster-row-coe-ecs-prod");
    await find(driver, "cluster-row-wft-ecs-prod");
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws-us-gov");
    assert.equal(await (await find(driver, "session-tab-badge")).getText(), "GovCloud");
    await waitText(driver, "updated-ago", /^Updated /);
    let c = await crumbs(driver);
    assert.match(c.partition, /GovCloud/);
    assert.match(c.account, /tak-govcloud-prod|210987654321/);
    assert.equal(c.region, "us-gov-east-1");
    assert.equal(c.cluster, undefined);
    // The filter narrows the list.
    const filter = await find(driver, "filter-input");
    await filter.sendKeys("wft");
    await driver.wait(async () => (await driver.findElements(tid("cluster-row-coe-ecs-prod"))).length === 0, WAIT_MS);
    await find(driver, "cluster-row-wft-ecs-prod");
    await filter.sendKeys(Key.BACK_SPACE, Key.BACK_SPACE, Key.BACK_SPACE);
    await find(driver, "cluster-row-coe-ecs-prod");
    await screenshot(driver, "03-clusters-govcloud");

    // Services of coe-ecs-prod.
    await click(driver, "cluster-link-coe-ecs-prod");
    await find(driver, "services-view");
    await find(driver, "service-row-coe-etl-prod-Service");
    await find(driver, "service-row-coe-api-prod-Service");
    await waitText(driver, "service-running-coe-etl-prod-Service", "1/1");
    assert.match(await (await find(driver, "service-taskdef-coe-etl-prod-Service")).getText(), /coe-etl-prod:3.*revision 3/);
    c = await crumbs(driver);
    assert.equal(c.cluster, "coe-ecs-prod");
    await screenshot(driver, "04-services-coe-ecs-prod");

    // The service page.
    await click(driver, "service-link-coe-etl-prod-Service");
    await find(driver, "service-view");
    await waitText(driver, "service-name", "coe-etl-prod-Service");
    // Deployments and events live in the health tabs (shown once, not again below them).
    await click(driver, "health-tab-deployments");
    await find(driver, "health-deployments-table");
    assert.ok((await driver.findElements(tid("health-deployment-row"))).length >= 1, "a deployment row");
    await click(driver, "health-tab-events");
    await find(driver, "health-events-list");
    assert.ok((await driver.findElements(tid("health-event"))).length >= 1, "an event");
    assert.equal((await driver.findElements(tid("deployments-table"))).length, 0, "no second deployments table");
    assert.equal((await driver.findElements(tid("events-list"))).length, 0, "no second events list");
    const tasks = await find(driver, "tasks-table");
    const links = await tasks.findElements(tid("task-link"));
    assert.equal(links.length, 1, "one running task");
    const taskId = await links[0].getAttribute("data-task-id");
    c = await crumbs(driver);
    assert.equal(c.service, "coe-etl-prod-Service");
    await screenshot(driver, "05-service-coe-etl-prod");

    // The task page.
    await links[0].click();
    await find(driver, "task-view");
    const status = await find(driver, "task-status");
    assert.equal(await status.getAttribute("data-value"), "RUNNING");
    assert.match(await (await find(driver, "task-private-ip")).getText(), /^\d{1,3}(\.\d{1,3}){3}$/);
    assert.equal(await (await find(driver, "task-taskdef-revision")).getAttribute("data-revision"), "3");
    await find(driver, "containers-table");
    c = await crumbs(driver);
    assert.deepEqual(Object.keys(c), ["partition", "account", "region", "cluster", "service", "task"]);
    assert.equal(c.task, taskId);
    await screenshot(driver, "06-task");

    // Each breadcrumb goes back up.
    await click(driver, "crumb-service");
    await find(driver, "service-view");
    await click(driver, "crumb-cluster");
    await find(driver, "services-view");
    await click(driver, "crumb-region");
    await find(driver, "clusters-view");
    await click(driver, "crumb-partition");
    await find(driver, "signin-view");
  });
});

test("an empty region shows the runbook hint and its region switcher leads back to the clusters", async () => {
  await withApp("empty-region", async (driver) => {
    assert.equal(await signIn(driver, "demo-govcloud", "us-gov-west-1"), "us-gov-west-1");
    const empty = await find(driver, "empty-clusters");
    assert.match(await empty.getText(), /No clusters in this region — are you in the right region\?/);
    assert.equal((await crumbs(driver)).region, "us-gov-west-1");
    await screenshot(driver, "07-empty-region");
    await choose(driver, "empty-region-select", "us-gov-east-1", { confirm: false });
    await find(driver, "cluster-row-coe-ecs-prod");
    await driver.wait(async () => (await crumbs(driver)).region === "us-gov-east-1", WAIT_MS, "region crumb did not follow");
  });
});

test("a GovCloud and a commercial session side by side, switched in one click", async () => {
  await withApp("two-sessions", async (driver) => {
    await signIn(driver, "demo-govcloud");
    await click(driver, "cluster-link-coe-ecs-prod");
    await find(driver, "service-row-coe-etl-prod-Service");

    await click(driver, "new-session");
    await click(driver, "profile-row-demo-commercial");
    const select = await find(driver, "region-select");
    await driver.wait(async () => (await select.getAttribute("value")) === "us-east-1", WAIT_MS, "us-east-1 not preselected");
    const regions = await Promise.all((await select.findElements(By.css("option"))).map((o) => o.getAttribute("value")));
    assert.ok(!regions.some((r) => r.startsWith("us-gov-")), `no GovCloud region for a commercial profile: ${regions.join(", ")}`);
    await click(driver, "open-session");
    await find(driver, "cluster-row-coe-ecs-staging");
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws");
    assert.doesNotMatch((await crumbs(driver)).partition, /GovCloud/);
    const tabs = await driver.findElements(tid("session-tab"));
    assert.equal(tabs.length, 2);
    await click(driver, "cluster-link-coe-ecs-staging");
    await find(driver, "service-row-worker-staging-Service");
    await find(driver, "service-row-reports-staging-Service");
    await screenshot(driver, "08-commercial-services");

    // One click back to GovCloud, landing where that session was.
    await click(driver, "session-tab", '[data-profile="demo-govcloud"]');
    await find(driver, "service-row-coe-etl-prod-Service");
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws-us-gov");
    const c = await crumbs(driver);
    assert.match(c.partition, /GovCloud/);
    assert.equal(c.cluster, "coe-ecs-prod");
    await screenshot(driver, "09-switched-back-to-govcloud");

    await click(driver, "session-tab", '[data-profile="demo-commercial"]');
    await find(driver, "service-row-api-staging-Service");
    assert.equal((await crumbs(driver)).cluster, "coe-ecs-staging");
  });
});

test("an AWS error shows in the view where it happened, with Details and Retry, and the rest keeps working", async () => {
  await withApp("error", async (driver) => {
    await signIn(driver, "demo-govcloud");
    await find(driver, "cluster-row-coe-ecs-prod");
    // Every ListServices call now fails with a 500, even after the SDK's own retries.
    await env.sim.control("/_sim/faults", { operation: "ListServices", kind: "error500", count: 1000 });
    try {
      await click(driver, "cluster-link-coe-ecs-prod");
      const view = await find(driver, "services-view");
      const panel = await find(driver, "error-panel", "", 90_000);
      assert.ok(await view.findElement(tid("error-panel")), "the error is inside the services view");
      const message = await (await find(driver, "error-message")).getText();
      assert.ok(message.trim().length > 10, `a message in plain words, got ${JSON.stringify(message)}`);
      await panel.findElement(By.css("summary")).click();
      const code = await waitText(driver, "error-code", /\S/);
      assert.doesNotMatch(code, /^Internal$/, "the AWS code, not a generic one");
      await screenshot(driver, "10-error-in-view");

      // The rest of the app still works: the clusters list loads.
      await click(driver, "crumb-region");
      await find(driver, "cluster-row-wft-ecs-prod");
      await click(driver, "cluster-link-coe-ecs-prod");
      await find(driver, "error-panel", "", 90_000);
    } finally {
      await env.sim.control("/_sim/faults", undefined, "DELETE");
    }
    // Retry recovers once AWS answers again.
    await click(driver, "retry-button");
    await find(driver, "service-row-coe-etl-prod-Service");
    assert.equal((await driver.findElements(tid("error-panel"))).length, 0);
  });
});
