// Fleet view across partitions: pin a GovCloud and a commercial service, see both on the fleet
// page, then jump to one through the Ctrl+K palette. Also checks the history panel and snapshot.
import assert from "node:assert/strict";
import { test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, quit, screenshot, signIn, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();

/** Opens `service` of `cluster` from the clusters view of the current session and pins it. */
async function pinFromServicePage(driver, cluster, service) {
  await click(driver, `cluster-link-${cluster}`);
  await find(driver, "services-view");
  await click(driver, `service-link-${service}`);
  await find(driver, "service-view");
  await waitText(driver, "service-name", service);
  const star = await find(driver, "pin-toggle");
  await driver.wait(async () => (await star.getAttribute("disabled")) === null, WAIT_MS, "pin button stays disabled");
  assert.equal(await star.getAttribute("aria-pressed"), "false");
  await star.click();
  await driver.wait(async () => (await star.getAttribute("aria-pressed")) === "true", WAIT_MS, `${service} not pinned`);
}

test("pin a GovCloud and a commercial service, see both in the fleet, open one from Ctrl+K", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    await signIn(driver, "demo-govcloud");
    await pinFromServicePage(driver, "coe-ecs-prod", "coe-etl-prod-Service");
    await find(driver, "history-panel");
    await waitText(driver, "history-toggle", /Show \(\d+ stopped tasks, \d+ events\)/);
    await screenshot(driver, "fleet-01-govcloud-service-pinned");
    // History kept by the app, and an incident snapshot written to the data folder.
    await click(driver, "history-toggle");
    await find(driver, "history-retention");
    await click(driver, "snapshot-button");
    await waitText(driver, "snapshot-written", /ECS Desk\/coe-etl-prod-Service-\d{8}-\d{6}\.html/, { timeout: 60_000 });
    await driver.executeScript('document.querySelector("[data-testid=history-panel]").scrollIntoView()');
    await screenshot(driver, "fleet-01b-history-and-snapshot");

    await signIn(driver, "demo-commercial");
    await pinFromServicePage(driver, "coe-ecs-staging", "api-staging-Service");
    await screenshot(driver, "fleet-02-commercial-service-pinned");

    // The fleet page: both rows, each with its partition, signed in, with a CPU sparkline.
    await click(driver, "fleet-link");
    await find(driver, "fleet-view");
    await driver.wait(async () => (await driver.findElements(tid("fleet-row"))).length === 2, WAIT_MS, "two fleet rows");
    const rows = await driver.findElements(tid("fleet-row"));
    const seen = {};
    for (const row of rows) {
      seen[await row.getAttribute("data-service")] = {
        partition: await row.getAttribute("data-partition"),
        state: await row.getAttribute("data-session-state"),
        level: await row.getAttribute("data-level"),
        spark: (await row.findElements(By.css(".spark svg polyline"))).length,
      };
    }
    assert.deepEqual(Object.keys(seen).sort(), ["api-staging-Service", "coe-etl-prod-Service"]);
    assert.equal(seen["coe-etl-prod-Service"].partition, "aws-us-gov");
    assert.equal(seen["api-staging-Service"].partition, "aws");
    for (const [name, r] of Object.entries(seen)) {
      assert.equal(r.state, "signedIn", name);
      assert.equal(r.level, "green", name);
      assert.ok(r.spark >= 1, `${name} has a CPU sparkline`);
    }
    await waitText(driver, "fleet-counts", /2 healthy/);
    // Keyboard: focus the first row and move down with the arrow key.
    const first = (await driver.findElements(tid("fleet-row")))[0];
    await driver.executeScript("arguments[0].focus()", first);
    await first.sendKeys(Key.ARROW_DOWN);
    const focused = await driver.switchTo().activeElement();
    assert.equal(await focused.getAttribute("data-testid"), "fleet-row");
    assert.notEqual(await focused.getAttribute("data-service"), await first.getAttribute("data-service"));
    await screenshot(driver, "fleet-03-fleet-view");

    // Ctrl+K: find the GovCloud service from anywhere and open it.
    await driver.findElement(By.css("body")).sendKeys(Key.chord(Key.CONTROL, "k"));
    const input = await find(driver, "palette-input");
    await input.sendKeys("coe-etl");
    await driver.wait(
      async () => {
        const items = await driver.findElements(tid("palette-item"));
        return items.length >= 1 && (await items[0].getAttribute("data-service")) === "coe-etl-prod-Service";
      },
      WAIT_MS,
      "palette lists coe-etl-prod-Service",
    );
    await screenshot(driver, "fleet-04-palette");
    await input.sendKeys(Key.ENTER);
    await find(driver, "service-view");
    await waitText(driver, "service-name", "coe-etl-prod-Service");
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws-us-gov");
    await screenshot(driver, "fleet-05-opened-from-palette");
  } catch (error) {
    await screenshot(driver, "fleet-FAILED").catch(() => {});
    throw error;
  } finally {
    await quit(driver);
  }
});
