// Keyboard only: runbook 000 (restart coe-etl-prod-Service) with Tab, arrows, Enter and typing —
// no clicks — with a visible focus ring at every stop; Escape closes dialogs and gives focus back.
// Then zoom: Ctrl + to 200 %, the service page and the fleet at that size, remembered at the next
// start, Ctrl 0 back to normal.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Key } from "selenium-webdriver";
import { WAIT_MS, click, find, launchApp, quit, screenshot, signIn, useSimulator, waitText } from "../lib/harness.mjs";

const env = useSimulator();

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

/** Presses keys as the keyboard would, into whatever has focus. */
async function press(driver, ...keys) {
  await driver.actions().sendKeys(...keys).perform();
}

/** What has focus: its data-testid (or its nearest ancestor's), whether it shows a focus ring. */
async function focused(driver) {
  return driver.executeScript(`
    const a = document.activeElement;
    if (!a || a === document.body) return { id: null, ring: false };
    const holder = a.closest("[data-testid]");
    const s = getComputedStyle(a);
    const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
    return { id: holder ? holder.getAttribute("data-testid") : a.tagName, ring, tag: a.tagName };
  `);
}

/**
 * Presses Tab until `id` (a test id, or a RegExp of one) has focus, at most `max` times; every stop
 * on the way must show a focus ring. Fails naming the stops it passed.
 */
async function tabTo(driver, id, max = 80) {
  const passed = [];
  const reached = (f) => (typeof id === "string" ? f.id === id : id.test(String(f.id)));
  for (let i = 0; i <= max; i += 1) {
    const f = await focused(driver);
    if (f.id !== null) {
      assert.ok(f.ring, `no visible focus ring on ${f.id} (${f.tag})`);
      if (reached(f)) return passed.length;
      passed.push(f.id);
    }
    await press(driver, Key.TAB);
  }
  throw new Error(`Tab never reached ${id} in ${max} presses; focus passed ${passed.join(", ")}`);
}

/** Waits until `id` has focus (after Escape, after a dialog opens). */
async function waitFocus(driver, id, why) {
  await driver.wait(async () => (await focused(driver)).id === id, WAIT_MS, why);
}

test("runbook 000 by keyboard only: sign in, cluster, service, restart with the typed name, verdict", async () => {
  await withApp("keyboard-runbook", async (driver) => {
    await find(driver, "signin-view");
    // The profile list is one Tab stop; arrows move through the profiles.
    await tabTo(driver, /^profile-row-/, 40);
    for (let i = 0; i < 10; i += 1) {
      const f = await focused(driver);
      if (f.id === "profile-row-demo-govcloud") break;
      await press(driver, Key.ARROW_DOWN);
    }
    await waitFocus(driver, "profile-row-demo-govcloud", "arrows never reached demo-govcloud");
    await press(driver, Key.ENTER);
    const region = await find(driver, "region-select");
    await driver.wait(async () => (await region.getAttribute("value")) === "us-gov-east-1", WAIT_MS, "us-gov-east-1 not preselected");
    await screenshot(driver, "keyboard-01-profile-chosen");
    await tabTo(driver, "open-session");
    await press(driver, Key.ENTER);

    await find(driver, "clusters-view");
    await find(driver, "cluster-link-coe-ecs-prod");
    await tabTo(driver, "cluster-link-coe-ecs-prod");
    await press(driver, Key.ENTER);
    await find(driver, "services-view");
    await find(driver, "service-link-coe-etl-prod-Service");
    await tabTo(driver, "service-link-coe-etl-prod-Service");
    await press(driver, Key.ENTER);
    await waitText(driver, "service-name", "coe-etl-prod-Service");
    await waitText(driver, "protection-level", "Type the service name");

    // The restart plan: focus moves into the dialog, the name is typed, Enter confirms.
    const before = (await env.sim.control("/_sim/calls"))["ecs:UpdateService"] ?? 0;
    await tabTo(driver, "action-restart", 120);
    await press(driver, Key.ENTER);
    await waitText(driver, "plan-title", "Restart coe-etl-prod-Service (force new deployment)");
    await driver.wait(
      async () => driver.executeScript('return document.querySelector("[data-testid=action-dialog]").contains(document.activeElement);'),
      WAIT_MS,
      "focus did not move into the plan dialog",
    );
    await tabTo(driver, "typed-confirmation", 30);
    await press(driver, "coe-etl-prod-Service");
    const confirm = await find(driver, "plan-confirm");
    await driver.wait(async () => confirm.isEnabled(), WAIT_MS, "confirm stays disabled after typing the name");
    await screenshot(driver, "keyboard-02-plan-typed");
    await tabTo(driver, "plan-confirm", 10);
    await press(driver, Key.ENTER);

    const verdict = await find(driver, "verdict", "", 180_000);
    assert.equal(await verdict.getAttribute("data-outcome"), "completed", await verdict.getText());
    const after = (await env.sim.control("/_sim/calls"))["ecs:UpdateService"] ?? 0;
    assert.equal(after - before, 1, "exactly one UpdateService");
    await screenshot(driver, "keyboard-03-verdict");

    // Escape closes a dialog and focus goes back to what opened it: the audit log.
    await tabTo(driver, "open-audit", 120);
    await press(driver, Key.ENTER);
    await find(driver, "audit-table");
    await screenshot(driver, "keyboard-04-audit");
    await press(driver, Key.ESCAPE);
    await driver.wait(async () => (await driver.findElements({ css: '[data-testid="audit-dialog"]' })).length === 0, WAIT_MS, "Escape left the audit log open");
    await waitFocus(driver, "open-audit", "focus did not return to the audit button");

    // A plan dialog closed with Escape changes nothing and returns focus to its button.
    await tabTo(driver, "action-restart", 120);
    await press(driver, Key.ENTER);
    await find(driver, "plan-title");
    await press(driver, Key.ESCAPE);
    await driver.wait(async () => (await driver.findElements({ css: '[data-testid="action-dialog"]' })).length === 0, WAIT_MS, "Escape left the plan open");
    await waitFocus(driver, "action-restart", "focus did not return to the restart button");
    assert.equal((await env.sim.control("/_sim/calls"))["ecs:UpdateService"] ?? 0, after, "Escape started nothing");
  });
});

/** Presses Ctrl with `key` `times` times and waits for the page to show `percent`. */
async function zoomTo(driver, key, times, percent) {
  for (let i = 0; i < times; i += 1) {
    await driver.actions().keyDown(Key.CONTROL).sendKeys(key).keyUp(Key.CONTROL).perform();
  }
  await driver.wait(
    async () => (await driver.executeScript("return document.documentElement.dataset.zoom;")) === String(percent),
    WAIT_MS,
    `zoom did not reach ${percent} %`,
  );
}

/**
 * What makes the page scroll sideways (at 200 % everything should reflow into the width): an empty
 * list when nothing does, else the outermost elements reaching past the right edge.
 */
const sideways = (driver) =>
  driver.executeScript(`
    if (document.documentElement.scrollWidth <= window.innerWidth + 1) return [];
    const wide = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1);
    return wide
      .filter((e) => !wide.includes(e.parentElement))
      .slice(0, 5)
      .map((e) => (e.getAttribute("data-testid") ?? e.tagName.toLowerCase() + "." + e.className) + " " + Math.round(e.getBoundingClientRect().right) + "px");
  `);

/** Clicks with the page's own click(): WebDriver's pointer lands off target once the page is zoomed. */
async function jsClick(driver, id) {
  await driver.executeScript("arguments[0].click();", await find(driver, id));
}

test("zoom to 200 % with Ctrl +: service page and fleet reflow, the level is remembered, Ctrl 0 resets", async () => {
  await withApp("zoom", async (driver) => {
    await signIn(driver, "demo-govcloud");
    await click(driver, "cluster-link-coe-ecs-prod");
    await click(driver, "service-link-coe-etl-prod-Service");
    await waitText(driver, "service-name", "coe-etl-prod-Service");
    const star = await find(driver, "pin-toggle");
    await driver.wait(async () => (await star.getAttribute("disabled")) === null, WAIT_MS, "pin button stays disabled");
    await star.click();
    await driver.wait(async () => (await star.getAttribute("aria-pressed")) === "true", WAIT_MS, "not pinned");
    await find(driver, "health-banner");

    await zoomTo(driver, "=", 5, 200);
    await waitText(driver, "zoom-notice", "Zoom 200 %");
    // The notice goes away by itself after a moment; the screenshots show the page without it.
    const notice = await find(driver, "zoom-notice");
    await driver.wait(async () => !(await notice.isDisplayed()), WAIT_MS, "the zoom notice stays");
    const width = await driver.executeScript("return window.innerWidth;");
    assert.ok(width <= 700, `at 200 % the page is laid out in half the window's width (got ${width} CSS px)`);
    await driver.executeScript("window.scrollTo(0, 0);");
    assert.deepEqual(await sideways(driver), [], "the service page scrolls sideways at 200 %");
    await screenshot(driver, "zoom-200-service-page");
    await jsClick(driver, "fleet-link");
    await find(driver, "fleet-row");
    assert.deepEqual(await sideways(driver), [], "the fleet scrolls sideways at 200 %");
    await screenshot(driver, "zoom-200-fleet");
  });
  // A new window of the same installation opens at the remembered size; Ctrl 0 goes back.
  await withApp("zoom-remembered", async (driver) => {
    await driver.wait(
      async () => (await driver.executeScript("return document.documentElement.dataset.zoom;")) === "200",
      WAIT_MS,
      "the zoom was not remembered",
    );
    assert.ok((await driver.executeScript("return window.innerWidth;")) <= 700, "opened at 200 %");
    await zoomTo(driver, "0", 1, 100);
    const normal = await driver.executeScript("return window.innerWidth;");
    assert.ok(normal >= 1200, `at 100 % the page has the window's width (got ${normal} CSS px)`);
  });
});
