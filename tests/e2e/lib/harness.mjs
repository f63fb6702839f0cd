// Starts the real pieces for an end-to-end run: the simulator binary, tauri-driver (which starts
// WebKitWebDriver, which starts the debug app), and gives WebDriver helpers keyed on data-testid.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { Builder, By, until } from "selenium-webdriver";
import { checkA11y } from "./a11y.mjs";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** Where each test saves its screenshots. */
export const SCREENSHOTS = path.join(ROOT, "artifacts", "screenshots");
const SIM_BIN = process.env.ECSDESK_SIM_BIN ?? path.join(ROOT, "target", "debug", "ecsdesk-sim");
const APP_BIN = process.env.ECSDESK_APP_BIN ?? path.join(ROOT, "target", "debug", "ecs-desk");
const DRIVER_BIN = process.env.TAURI_DRIVER_BIN ?? "tauri-driver";
/** Default wait for anything to appear in the window. */
export const WAIT_MS = Number(process.env.E2E_WAIT_MS ?? 30_000);

function log(...args) {
  if (process.env.E2E_VERBOSE) console.error("[e2e]", ...args);
}

async function freePort() {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

function collect(child, name) {
  const lines = [];
  const keep = (stream) => {
    readline.createInterface({ input: stream }).on("line", (l) => {
      lines.push(l);
      if (lines.length > 400) lines.shift();
      log(`${name}: ${l}`);
    });
  };
  if (child.stderr) keep(child.stderr);
  return lines;
}

/** Process groups started here and not stopped yet: killed when this process exits, whatever the cause. */
const liveGroups = new Set();
process.on("exit", () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

/** Spawns `bin` as the leader of a new process group, so that stopping it stops what it starts. */
function spawnGroup(bin, args, options) {
  const child = spawn(bin, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  liveGroups.add(child.pid);
  return child;
}

/**
 * Stops a child started with `detached: true` and everything it started (tauri-driver starts
 * WebKitWebDriver, which starts the app): the whole process group gets SIGTERM, then SIGKILL after
 * 5 s. A grandchild left behind would hold the inherited stdout/stderr pipes open and keep this test
 * file's process from ever exiting, so the pipes are closed on our side too.
 */
async function stopChild(child) {
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, "exit").catch(() => {});
    signalGroup("SIGTERM");
    const timer = setTimeout(() => signalGroup("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
  // The leader is gone; make sure no straggler of its group survives it.
  signalGroup("SIGKILL");
  liveGroups.delete(child.pid);
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/**
 * Starts `ecsdesk-sim --port 0 --scenario demo --speed 10 --aws-config-out DIR/config` in a fresh
 * temp dir and reads its port from the first stdout line.
 */
export async function startSim({ scenario = "demo", speed = 10 } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ecsdesk-e2e-"));
  const configPath = path.join(dir, "config");
  const child = spawnGroup(SIM_BIN, [
    "--port",
    "0",
    "--scenario",
    scenario,
    "--speed",
    String(speed),
    "--aws-config-out",
    configPath,
  ]);
  const stderr = collect(child, "sim");
  const rl = readline.createInterface({ input: child.stdout });
  let timer;
  const first = await Promise.race([
    once(rl, "line").then(([line]) => line),
    once(child, "exit").then(([code]) => {
      throw new Error(`simulator exited (${code}) before listening:\n${stderr.join("\n")}`);
    }),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("simulator did not start in 30 s")), 30_000);
    }),
  ]).catch(async (error) => {
    await stopChild(child);
    throw error;
  });
  clearTimeout(timer);
  rl.on("line", (l) => log(`sim out: ${l}`));
  const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(first);
  if (!m) throw new Error(`unexpected first line from the simulator: ${first}`);
  const endpoint = m[1];
  log("simulator at", endpoint);
  return {
    dir,
    configPath,
    endpoint,
    /** Calls the simulator's control API (tests only): GET without a body, POST with one. */
    async control(pathname, body, method = body === undefined ? "GET" : "POST") {
      const res = await fetch(`${endpoint}${pathname}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status} ${await res.text()}`);
      const text = await res.text();
      return text === "" ? null : JSON.parse(text);
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts tauri-driver with an environment that points the app at the simulator and keeps it away
 * from the real home directory and AWS credentials.
 */
export async function startDriver(sim) {
  const home = path.join(sim.dir, "home");
  await mkdir(home, { recursive: true });
  const creds = path.join(sim.dir, "credentials");
  await writeFile(creds, "");
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith("AWS_")) delete env[k];
  }
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    AWS_CONFIG_FILE: sim.configPath,
    AWS_SHARED_CREDENTIALS_FILE: creds,
    AWS_ENDPOINT_URL: sim.endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
    // Xvfb has no GPU. (WEBKIT_DISABLE_DMABUF_RENDERER would make WebDriver screenshots hang.)
    LIBGL_ALWAYS_SOFTWARE: "1",
    // Links the app opens are recorded, not handed to a browser (see openedUrls).
    ECSDESK_BROWSER: path.join(path.dirname(fileURLToPath(import.meta.url)), "record-browser.sh"),
    ECSDESK_OPENED: path.join(sim.dir, "opened.txt"),
  });
  const port = await freePort();
  const nativePort = await freePort();
  const child = spawnGroup(DRIVER_BIN, ["--port", String(port), "--native-port", String(nativePort)], { env });
  const stderr = collect(child, "driver");
  readline.createInterface({ input: child.stdout }).on("line", (l) => log(`driver out: ${l}`));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stopChild(child);
      throw new Error(`tauri-driver exited (${child.exitCode}):\n${stderr.join("\n")}`);
    }
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error("tauri-driver did not answer in 20 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log("tauri-driver at", url);
  return {
    url,
    stderr,
    async stop() {
      await stopChild(child);
    },
  };
}

/**
 * For a spec file: starts the simulator (`options` as for `startSim`) and tauri-driver before its
 * tests and stops both after them. The returned object's `sim` and `driverServer` are set once the
 * tests run.
 */
export function useSimulator(options = { scenario: "demo", speed: 10 }) {
  const env = { sim: null, driverServer: null };
  before(async () => {
    env.sim = await startSim(options);
    env.driverServer = await startDriver(env.sim);
  });
  after(
    async () => {
      await env.driverServer?.stop();
      await env.sim?.stop();
    },
    { timeout: 60_000 },
  );
  return env;
}

/** The URLs the app has opened in "the browser" so far (recorded by record-browser.sh). */
export async function openedUrls(sim) {
  const text = await readFile(path.join(sim.dir, "opened.txt"), "utf8").catch(() => "");
  return text.split("\n").filter((l) => l.length > 0);
}

/** Launches a fresh app window (a new WebDriver session) and waits for the UI to render. */
export async function launchApp(driverServer) {
  const driver = await new Builder()
    .usingServer(driverServer.url)
    .withCapabilities({ browserName: "wry", "tauri:options": { application: APP_BIN } })
    .build();
  await driver.manage().setTimeouts({ script: 10_000 });
  await driver.wait(until.elementLocated(By.css('[data-testid="appbar"]')), WAIT_MS, "the app window did not render");
  return driver;
}

/** CSS selector of a data-testid, with optional extra attribute selectors. */
export const tid = (id, extra = "") => By.css(`[data-testid="${id}"]${extra}`);

/** Waits for a visible element with this data-testid. */
export async function find(driver, id, extra = "", timeout = WAIT_MS) {
  const el = await driver.wait(until.elementLocated(tid(id, extra)), timeout, `no [data-testid="${id}"]${extra}`);
  await driver.wait(until.elementIsVisible(el), timeout, `[data-testid="${id}"]${extra} not visible`);
  return el;
}

/** Waits for an element's text to satisfy `test` (string equality or RegExp); returns the text. */
export async function waitText(driver, id, test, { extra = "", timeout = WAIT_MS } = {}) {
  let last = "";
  try {
    await driver.wait(async () => {
      try {
        last = await driver.findElement(tid(id, extra)).getText();
      } catch {
        return false;
      }
      return typeof test === "string" ? last.trim() === test : test.test(last);
    }, timeout);
  } catch {
    throw new Error(`[data-testid="${id}"]${extra}: text ${JSON.stringify(last)} never matched ${String(test)}`);
  }
  return last;
}

/** Clicks an element by data-testid once it is visible. */
export async function click(driver, id, extra = "") {
  const el = await find(driver, id, extra);
  await el.click();
}

/**
 * Selects an option of a <select> by value. With `confirm`, waits until the select shows it; leave
 * it off when the choice replaces the view (the select is gone then).
 */
export async function choose(driver, id, value, { confirm = true } = {}) {
  const select = await find(driver, id);
  await select.findElement(By.css(`option[value="${value}"]`)).click();
  if (!confirm) return;
  await driver.wait(
    async () => {
      try {
        return (await driver.findElement(tid(id)).getAttribute("value")) === value;
      } catch {
        return false;
      }
    },
    WAIT_MS,
    `${id} did not take ${value}`,
  );
}

/**
 * Saves a PNG of the window to artifacts/screenshots/NAME.png, then checks the view with axe-core
 * (throwing on a serious or critical violation). `axe: false` only where a check would disturb what
 * the test measures; screenshots of a failure (`…-FAILED`) are not checked.
 */
export async function screenshot(driver, name, { axe = !name.endsWith("FAILED") } = {}) {
  await mkdir(SCREENSHOTS, { recursive: true });
  // WebKitGTK under Xvfb hands out the last painted frame: let two frames paint first.
  await driver
    .executeAsyncScript(
      "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
    )
    .catch(() => {});
  await driver.sleep(300);
  const png = await driver.takeScreenshot();
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await writeFile(file, Buffer.from(png, "base64"));
  if (axe) await checkA11y(driver, name);
  return file;
}

/** Opens a session through the sign-in view; `region` null keeps the preselected one. */
export async function signIn(driver, profile, region = null) {
  if ((await driver.findElements(tid("signin-view"))).length === 0) await click(driver, "new-session");
  await click(driver, `profile-row-${profile}`);
  const select = await find(driver, "region-select");
  if (region !== null) await choose(driver, "region-select", region);
  const chosen = await select.getAttribute("value");
  await click(driver, "open-session");
  await find(driver, "clusters-view");
  return chosen;
}

/**
 * Ends a WebDriver session (closing the app window), giving up after 20 s: the driver server is
 * stopped right after, which ends whatever the session left running.
 */
export async function quit(driver) {
  let timer;
  await Promise.race([
    driver.quit().catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, 20_000);
    }),
  ]);
  clearTimeout(timer);
}
