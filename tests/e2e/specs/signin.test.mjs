// Sign-in through IAM Identity Center in the real window against the simulator's demo scenario:
// both partitions signed in through the UI (GovCloud with the browser method, commercial with a
// device code), then a GovCloud service and a commercial service opened one after the other.
// There is no useful system browser here, so the test plays the browser: it approves at the
// simulator, reads the authorize URL the app shows and follows it to the app's loopback listener.
import assert from "node:assert/strict";
import { test } from "node:test";
import { By } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, quit, screenshot, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();

/** The GovCloud session's tab. */
const GOV_TAB = '[data-session-id="ecsdesk-demo-gov/210987654321/OperatorAccess"]';

/** Waits for the sso-session row `name` to say it is signed in. */
async function signedIn(driver, name) {
  await driver.wait(
    async () => (await (await find(driver, `sso-session-${name}`)).getAttribute("data-signed-in")) === "true",
    WAIT_MS,
    `${name} never showed as signed in`,
  );
}

/** The value of an input with this data-testid, once it has one. */
async function inputValue(driver, id) {
  const el = await find(driver, id);
  let value = "";
  await driver.wait(async () => (value = await el.getAttribute("value")) !== "", WAIT_MS, `${id} stayed empty`);
  return value;
}

/** Opens `role` of `accountId` from the account picker of `session`, in the preselected region. */
async function openAccount(driver, session, accountId, expectedRegion) {
  await find(driver, "account-picker", `[data-session="${session}"]`);
  await click(driver, `account-row-${accountId}`);
  const region = await find(driver, "account-region-select");
  await driver.wait(async () => (await region.getAttribute("value")) === expectedRegion, WAIT_MS, `${expectedRegion} not preselected`);
  const options = await Promise.all((await region.findElements(By.css("option"))).map((o) => o.getAttribute("value")));
  const gov = expectedRegion.startsWith("us-gov-");
  assert.ok(
    options.every((r) => r.startsWith("us-gov-") === gov),
    `only ${gov ? "GovCloud" : "commercial"} regions expected, got ${options.join(", ")}`,
  );
  await find(driver, "open-role-OperatorAccess");
}

test("sign in to GovCloud and commercial portals through the UI and open a service in each", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    // The sign-in view lists both portals of the AWS config, neither signed in, GovCloud marked.
    await find(driver, "signin-view");
    await find(driver, "sso-panel");
    const govRow = await find(driver, "sso-session-ecsdesk-demo-gov");
    assert.equal(await govRow.getAttribute("data-signed-in"), "false");
    assert.equal(await govRow.findElement(tid("partition-badge")).getText(), "GovCloud");
    assert.equal(await (await find(driver, "sso-session-ecsdesk-demo")).findElement(tid("partition-badge")).getText(), "Commercial");
    await screenshot(driver, "signin-01-portals");

    // GovCloud: the browser method. The app shows the authorize URL; the test is the browser.
    await govRow.click();
    await find(driver, "sso-login", '[data-session="ecsdesk-demo-gov"]');
    await click(driver, "sso-login-browser");
    const url = await inputValue(driver, "sso-authorize-url");
    assert.match(url, /\/authorize\?/);
    assert.match(url, /code_challenge_method=S256/);
    await find(driver, "sso-waiting");
    await screenshot(driver, "signin-02-browser-waiting");
    await env.sim.control("/_sim/sso/approve", {});
    const res = await fetch(url, { redirect: "follow" });
    assert.equal(res.status, 200, "the app's loopback listener accepts the redirect");
    assert.match(await res.text(), /signed in to ECS Desk/i);
    await signedIn(driver, "ecsdesk-demo-gov");

    // Accounts of the GovCloud portal; the GovCloud default region is preselected.
    await find(driver, "account-row-210987654321");
    await openAccount(driver, "ecsdesk-demo-gov", "210987654321", "us-gov-east-1");
    await screenshot(driver, "signin-03-govcloud-accounts");
    await click(driver, "open-role-OperatorAccess");

    // The GovCloud service of runbook 000.
    await find(driver, "clusters-view");
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws-us-gov");
    await click(driver, "cluster-link-coe-ecs-prod");
    await click(driver, "service-link-coe-etl-prod-Service");
    await find(driver, "service-view");
    assert.match(await (await find(driver, "crumb-partition")).getText(), /GovCloud/);
    assert.match(await (await find(driver, "crumb-account")).getText(), /tak-govcloud-prod/);
    const govTab = await find(driver, "session-tab", '[data-session-id="ecsdesk-demo-gov/210987654321/OperatorAccess"]');
    assert.equal(await govTab.findElement(tid("session-tab-badge")).getText(), "GovCloud");
    await waitText(driver, "session-expiry", /^(\d+h \d\dm|\d+m \d\ds)$/);
    // The console opens signed in as this role, through the portal (not clicked: that starts a browser).
    const govConsole = await find(driver, "open-console");
    assert.equal(await govConsole.getAttribute("data-signed-in"), "true");
    assert.match(await govConsole.getAttribute("title"), /GovCloud AWS console .* signed in as OperatorAccess in tak-govcloud-prod through your access portal/);
    await screenshot(driver, "signin-04-govcloud-service");

    // Commercial: the device-code method, approved at the simulator.
    await click(driver, "new-session");
    await click(driver, "sso-session-ecsdesk-demo");
    await find(driver, "sso-login", '[data-session="ecsdesk-demo"]');
    await click(driver, "sso-login-device");
    const code = (await (await find(driver, "sso-user-code")).getText()).trim();
    assert.match(code, /^[A-Z0-9]{4}-?[A-Z0-9]{4}$/);
    assert.match(await inputValue(driver, "sso-verification-url"), /^https:\/\/device\.sso\.us-east-1\.amazonaws\.com\//);
    await waitText(driver, "sso-code-expiry", /works for \d+m \d\ds more/);
    await screenshot(driver, "signin-05-device-code");
    await env.sim.control("/_sim/sso/approve", {});
    await signedIn(driver, "ecsdesk-demo");
    await find(driver, "account-row-123456789012");
    await openAccount(driver, "ecsdesk-demo", "123456789012", "us-east-1");
    await click(driver, "open-role-OperatorAccess");

    // The commercial service, in a second tab beside the GovCloud one.
    await find(driver, "clusters-view");
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws");
    await click(driver, "cluster-link-coe-ecs-staging");
    await click(driver, "service-link-api-staging-Service");
    await find(driver, "service-view");
    assert.match(await (await find(driver, "crumb-account")).getText(), /tak-commercial-staging/);
    assert.equal((await driver.findElements(tid("session-tab"))).length, 2);
    assert.equal((await driver.findElements(tid("session-expiry"))).length, 2);
    assert.match(await (await find(driver, "open-console")).getAttribute("title"), /commercial AWS console .* signed in as OperatorAccess/);
    await screenshot(driver, "signin-06-commercial-service");

    // One click back to the GovCloud service, where it was left.
    await (await find(driver, "session-tab", '[data-session-id="ecsdesk-demo-gov/210987654321/OperatorAccess"]')).click();
    await find(driver, "service-view");
    assert.match(await (await find(driver, "crumb-service")).getText(), /coe-etl-prod-Service/);
    assert.equal(await (await find(driver, "appbar")).getAttribute("data-partition"), "aws-us-gov");

    // Both portals show as signed in on the sign-in view.
    await click(driver, "new-session");
    await signedIn(driver, "ecsdesk-demo-gov");
    await signedIn(driver, "ecsdesk-demo");
    await screenshot(driver, "signin-07-both-signed-in");

    // The GovCloud sign-in ends and cannot be renewed (access token expired, refresh token
    // revoked, role credentials past their expiry): the next read of the open service asks for a
    // new sign-in in a dialog over the view, which carries on once signed in again.
    await (await find(driver, "session-tab", GOV_TAB)).click();
    await find(driver, "service-view");
    await env.sim.control("/_sim/sso/expire-tokens", {});
    await env.sim.control("/_sim/sso/revoke-refresh", {});
    await env.sim.control("/_sim/clock/advance", { seconds: 2 * 3600 });
    await find(driver, "signin-required", "", 60_000);
    const dialog = await driver.findElement(By.css('[data-testid="signin-required"] [role="dialog"]'));
    assert.equal(await dialog.getAttribute("data-session"), "ecsdesk-demo-gov");
    assert.equal(await dialog.getAttribute("data-partition"), "aws-us-gov");
    await click(driver, "sso-login-device");
    await find(driver, "sso-user-code");
    await screenshot(driver, "signin-08-sign-in-again");
    await env.sim.control("/_sim/sso/approve", {});
    await driver.wait(async () => (await driver.findElements(tid("signin-required"))).length === 0, WAIT_MS, "the dialog stayed");
    await find(driver, "service-view");
    assert.match(await (await find(driver, "crumb-service")).getText(), /coe-etl-prod-Service/);
    await waitText(driver, "service-name", "coe-etl-prod-Service");

    // Signing out of the GovCloud portal closes its tab and leaves the commercial one.
    const govTabAgain = await find(driver, "session-tab", GOV_TAB);
    await (await govTabAgain.findElement(By.xpath(".."))).findElement(tid("session-signout")).click();
    await find(driver, "signin-view");
    await driver.wait(async () => (await driver.findElements(tid("session-tab"))).length === 1, WAIT_MS, "the GovCloud tab stayed");
    await driver.wait(
      async () => (await (await find(driver, "sso-session-ecsdesk-demo-gov")).getAttribute("data-signed-in")) === "false",
      WAIT_MS,
      "GovCloud still shows as signed in",
    );
    await signedIn(driver, "ecsdesk-demo");
    await screenshot(driver, "signin-09-signed-out-of-govcloud");
  } catch (error) {
    await screenshot(driver, "signin-FAILED").catch(() => {});
    throw error;
  } finally {
    await quit(driver);
  }
});
