// Beyond the console, in the real window against the simulator's demo: the Auto scaling tab of a
// service whose bursty load makes it thrash and of a worker pinned at its maximum, a scale above
// the maximum planned with wider limits and run as one guarded action, and the AWS console opened
// signed in for key sessions of both partitions (the federation sign-in, followed to its page),
// who changed a service (CloudTrail), and Logs Insights run and cancelled.
import assert from "node:assert/strict";
import { test } from "node:test";
import { By } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, openedUrls, quit, screenshot, signIn, tid, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();
const CLUSTER = "autoscaling";

/** Opens `service` of the autoscaling cluster on its Auto scaling tab. */
async function scalingOf(driver, service) {
  await click(driver, "crumb-region").catch(() => {});
  await click(driver, `cluster-link-${CLUSTER}`);
  await click(driver, `service-link-${service}`);
  await waitText(driver, "service-name", service);
  await click(driver, "health-tab-scaling");
  await find(driver, "scaling-tab");
  await driver.executeScript("arguments[0].scrollIntoView({block: 'start'});", await find(driver, "health-tabs"));
}

const calls = async (op) => (await env.sim.control("/_sim/calls"))[op] ?? 0;

test("auto scaling: limits, thrashing, pinned at the maximum, and a scale above the maximum with wider limits", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
    await signIn(driver, "demo-commercial", "us-east-1");

    // The worker sits at its maximum and the scaler wanted more.
    await scalingOf(driver, "queue-worker-Service");
    await waitText(driver, "scaling-limits", /^Keeps between 1 and 4 tasks/);
    assert.match(await (await find(driver, "scaling-warning-atMaximum")).getText(), /At its maximum of 4 tasks: auto scaling wanted 5/);
    assert.match(await (await find(driver, "scaling-policies")).getText(), /Step scaling/);
    await screenshot(driver, "beyond-02-scaling-at-max");

    // The web service scales out and back in every few minutes.
    await scalingOf(driver, "web-autoscaled-Service");
    await waitText(driver, "scaling-limits", /^Keeps between 2 and 8 tasks/);
    assert.match(await (await find(driver, "scaling-warning-thrashing")).getText(), /in the last hour \(thrashing\)/);
    assert.match(await (await find(driver, "scaling-policies")).getText(), /Keeps average CPU near 60 %/);
    assert.match(await (await find(driver, "scaling-schedules")).getText(), /Weekdays at 07:00 \(America\/New_York\)/);
    assert.ok((await driver.findElements(tid("scaling-activity", '[data-direction="out"]'))).length >= 1);
    assert.ok((await driver.findElements(tid("scaling-activity", '[data-direction="in"]'))).length >= 1);
    await screenshot(driver, "beyond-01-scaling-thrashing");

    // 12 is above the maximum: the plan says the scaler would undo it and offers wider limits.
    const registered = await calls("application-autoscaling:RegisterScalableTarget");
    await click(driver, "action-scale");
    const count = await find(driver, "scale-input");
    await count.clear();
    await count.sendKeys("12");
    await driver.wait(async () => (await find(driver, "details-next")).isEnabled(), WAIT_MS, "Review the plan stays disabled");
    await click(driver, "details-next");
    await waitText(driver, "plan-notes", /Auto scaling keeps this service between 2 and 8 tasks: within minutes it will change 12 back to 8\./);
    assert.match(await (await find(driver, "plan-alternative")).getText(), /Scale to 12 and set the limits to 2–12 tasks/);
    await screenshot(driver, "beyond-03-scale-above-max-plan");
    await click(driver, "plan-alternative-button");
    await waitText(driver, "plan-title", /and set auto scaling to 2–12 tasks$/);
    assert.match(await (await find(driver, "plan-steps")).getText(), /limits change from 2–8 tasks to 2–12 tasks/);
    await screenshot(driver, "beyond-04-scale-with-limits-plan");
    const confirm = await find(driver, "plan-confirm");
    if ((await driver.findElements(tid("typed-confirmation"))).length > 0) {
      await (await find(driver, "typed-confirmation")).sendKeys("web-autoscaled-Service");
    }
    await driver.wait(async () => confirm.isEnabled(), WAIT_MS, "confirm stays disabled");
    await confirm.click();
    const verdict = await find(driver, "verdict", "", 180_000);
    const said = await verdict.getText();
    // At ten times real speed the target-tracking policy may scale in before all 12 are healthy:
    // then the verdict says the count was changed again, and by what, instead of waiting for 12.
    if ((await verdict.getAttribute("data-outcome")) === "overridden") {
      assert.match(said, /^Changed again after .*not the 12 this action set\.\s*Auto scaling manages this service \(2–12 tasks\)/s, said);
    } else {
      assert.equal(await verdict.getAttribute("data-outcome"), "completed", said);
      assert.match(said, /web-autoscaled-Service runs 12 tasks and all are healthy/, said);
    }
    assert.equal((await calls("application-autoscaling:RegisterScalableTarget")) - registered, 1, "one RegisterScalableTarget");
    await waitText(driver, "scaling-limits", /^Keeps between 2 and 12 tasks/);
  } catch (e) {
    await screenshot(driver, "beyond-FAILED").catch(() => {});
    throw e;
  } finally {
    await quit(driver);
  }
});

/** Follows a login URL of the simulator's federation endpoint; where the browser would land. */
async function landing(url) {
  const res = await fetch(url, { redirect: "manual" });
  assert.equal(res.status, 302, await res.text());
  return res.headers.get("location");
}

test("the console opens signed in through AWS sign-in for GovCloud and commercial key sessions", async () => {
  const cases = [
    {
      profile: "demo-govcloud",
      region: "us-gov-east-1",
      cluster: "coe-ecs-prod",
      service: "coe-etl-prod-Service",
      page: "https://console.amazonaws-us-gov.com/ecs/v2/clusters/coe-ecs-prod/services/coe-etl-prod-Service/health?region=us-gov-east-1",
    },
    {
      profile: "demo-commercial",
      region: "us-east-1",
      cluster: "coe-ecs-staging",
      service: "api-staging-Service",
      page: "https://console.aws.amazon.com/ecs/v2/clusters/coe-ecs-staging/services/api-staging-Service/health?region=us-east-1",
    },
  ];
  for (const c of cases) {
    const driver = await launchApp(env.driverServer);
    try {
      await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
      await signIn(driver, c.profile, c.region);
      await click(driver, `cluster-link-${c.cluster}`);
      await click(driver, `service-link-${c.service}`);
      await waitText(driver, "service-name", c.service);
      const button = await find(driver, "open-console");
      assert.match(await button.getAttribute("title"), /signed in as .* through AWS sign-in \(federation\)/);
      const before = (await openedUrls(env.sim)).length;
      await button.click();
      await waitText(driver, "open-console-opened", /^Opened in your browser, signed in through AWS sign-in\.$/);
      const opened = (await openedUrls(env.sim)).slice(before);
      assert.equal(opened.length, 1, opened.join("\n"));
      const url = new URL(opened[0]);
      assert.equal(`${url.origin}${url.pathname}`, `${env.sim.endpoint}/federation`);
      assert.equal(url.searchParams.get("Action"), "login");
      assert.equal(url.searchParams.get("Destination"), c.page);
      assert.ok((url.searchParams.get("SigninToken") ?? "").length > 40, "a sign-in token");
      // The page never saw the token; the browser lands on the service's console page.
      const shown = await driver.executeScript("return document.body.innerText");
      assert.ok(!shown.includes(url.searchParams.get("SigninToken")), "token shown on the page");
      assert.equal(await landing(opened[0]), c.page);
      // Named in full so the guide's picture is known to come from this spec.
      if (c.region === "us-gov-east-1") await screenshot(driver, "beyond-05-console-govcloud");
      else await screenshot(driver, "beyond-06-console-commercial");
    } catch (e) {
      await screenshot(driver, "beyond-console-FAILED").catch(() => {});
      throw e;
    } finally {
      await quit(driver);
    }
  }
});

/** Opens api-staging-Service (commercial) on the health tab `tab`. */
async function stagingTab(driver, tab) {
  await click(driver, "crumb-region").catch(() => {});
  await click(driver, "cluster-link-coe-ecs-staging");
  await click(driver, "service-link-api-staging-Service");
  await waitText(driver, "service-name", "api-staging-Service");
  await click(driver, `health-tab-${tab}`);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'start'});", await find(driver, "health-tabs"));
}

test("who changed this service: a restart in the console, a pipeline's deploy, a stopped task — from CloudTrail", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
    await signIn(driver, "demo-commercial", "us-east-1");
    const lookups = await calls("cloudtrail:LookupEvents");
    await stagingTab(driver, "changes");
    await find(driver, "changes-table", "", 60_000);
    const first = await find(driver, "change-row");
    assert.equal(await first.getAttribute("data-via"), "AWS console");
    assert.match(await first.getText(), /alice@example\.com[\s\S]*Restarted it \(forced a new deployment\)/);
    const rows = await driver.findElements(tid("change-row"));
    const texts = await Promise.all(rows.map((r) => r.getText()));
    assert.ok(texts.some((t) => /GitHubActions[\s\S]*AWS CLI[\s\S]*Changed the task definition to api-staging:3/.test(t)), texts.join("\n"));
    assert.ok(texts.some((t) => /bob@example\.com[\s\S]*Stopped task/.test(t)), texts.join("\n"));
    assert.ok(texts.some((t) => /Terraform/.test(t)), texts.join("\n"));
    // The page opened without CloudTrail; the tab asked once per change event, paced.
    assert.equal((await calls("cloudtrail:LookupEvents")) - lookups, 4);
    await screenshot(driver, "beyond-07-changes");
  } catch (e) {
    await screenshot(driver, "beyond-changes-FAILED").catch(() => {});
    throw e;
  } finally {
    await quit(driver);
  }
});

test("Logs Insights: requests per status as a table and a chart, and a week-long query cancelled", async () => {
  const driver = await launchApp(env.driverServer);
  try {
    await driver.manage().window().setRect({ width: 1360, height: 900 }).catch(() => {});
    await signIn(driver, "demo-commercial", "us-east-1");
    await stagingTab(driver, "insights");
    const named = await find(driver, "insights-named");
    await driver.wait(async () => (await named.findElements(By.css("option"))).length >= 6, WAIT_MS, "ready and saved queries");
    await named.findElement(By.css('option[value="ready:Requests per status"]')).click();
    await click(driver, "insights-run");
    await waitText(driver, "insights-status", /^Complete · /, { timeout: 60_000 });
    assert.match(await (await find(driver, "insights-status")).getText(), /scanned · \d+ of \d+ records matched · \/ecs\/api-staging \(us-east-1\)/);
    await find(driver, "insights-chart");
    assert.ok((await driver.findElements(tid("insights-row"))).length > 0);
    await screenshot(driver, "beyond-08-insights-status");

    // A week of every line takes a while: cancelled, it says so and keeps what it found.
    await (await find(driver, "insights-range")).findElement(By.css('option[value="168"]')).click();
    const text = await find(driver, "insights-query");
    await text.clear();
    await text.sendKeys("fields @timestamp, @message | sort @timestamp desc");
    assert.equal(await (await find(driver, "insights-named")).getAttribute("value"), "custom", "the list says it is your own query");
    const stops = await calls("logs:StopQuery");
    await click(driver, "insights-run");
    await click(driver, "insights-cancel");
    await waitText(driver, "insights-status", /^Cancelled · /, { timeout: 30_000 });
    assert.equal((await calls("logs:StopQuery")) - stops, 1);
    await screenshot(driver, "beyond-09-insights-cancelled");
  } catch (e) {
    await screenshot(driver, "beyond-insights-FAILED").catch(() => {});
    throw e;
  } finally {
    await quit(driver);
  }
});
