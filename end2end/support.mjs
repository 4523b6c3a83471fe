// Shared helpers for the end-to-end tests: a fresh headless Debian Chromium per test, the
// running app's address, the steps every test repeats (wait for hydration, log in), waiting for a
// condition, the REST API, and a RouterOS simulator of a test file's own.

import { chromium } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const { RouterOSAPI } = createRequire(import.meta.url)('node-routeros');

// BASE_URL when given, else where cargo-leptos serves the site: LEPTOS_SITE_ADDR when the shell that
// ran it set one (scripts/dev.sh always does), else the site-addr of Cargo.toml.
export const BASE_URL = (
  process.env.BASE_URL ?? `http://${process.env.LEPTOS_SITE_ADDR || '127.0.0.1:3000'}`
).replace(/\/+$/, '');

export const PHONE = { width: 375, height: 812 };
export const TABLET = { width: 768, height: 1024 };
export const DESKTOP = { width: 1280, height: 800 };

// A broken app should fail a test in seconds, not hang the suite until node's own timeout.
export const STEP_TIMEOUT_MS = 15_000;

const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

// Debian's Chromium, not a Playwright download (the machines cannot reach Playwright's CDN).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// What went wrong in each page, to explain a page that does not hydrate.
const diagnostics = new WeakMap();

/**
 * Starts Chromium with a fresh, empty profile (no cookies, no language choice) that asks for
 * Indonesian, sized to `viewport`; phone-sized viewports also get a touch screen and the mobile
 * meta-viewport behaviour. Returns the page, its uncaught errors, the console warnings and errors
 * of all its pages, `allowConsole(pattern)` to expect more of them, and a `close()` that stops the
 * browser, deletes the profile and then fails when a page logged a warning or an error that no
 * pattern of `allowConsole` (the option, or the method) matches.
 */
export async function openBrowser(viewport = DESKTOP, { deviceScaleFactor = 1, allowConsole = [] } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'mikrotik-billing-e2e-'));
  const phone = viewport.width < 600;
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      deviceScaleFactor,
      // The app follows Accept-Language when no language was chosen; the tests speak for the
      // app's audience, whose browsers ask for Indonesian.
      locale: 'id-ID',
      isMobile: phone,
      // Phones and tablets are touch screens: the sales screen is tapped, not clicked.
      hasTouch: viewport.width <= TABLET.width,
      baseURL: BASE_URL,
      timeout: STEP_TIMEOUT_MS,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  const failedAssets = [];
  // A Rust panic's message reaches the console (console_error_panic_hook), not `pageerror`.
  const consoleErrors = [];
  // Every warning and error any page of the browser logs: a development build warns about
  // reactive mistakes (a signal read outside a tracking context, a resource read outside
  // `<Suspense/>`) only there.
  const consoleMessages = [];
  const allowed = [...allowConsole];
  const watch = (page) => {
    // A page's code is fetched when it is first opened (lazy routes): the address changes a moment
    // before the new page shows. Waiting for an address therefore waits for its page too.
    const waitForURL = page.waitForURL.bind(page);
    page.waitForURL = async (...args) => {
      await waitForURL(...args);
      await routed(page);
    };
    page.on('pageerror', (error) => pageErrors.push(error));
    page.on('response', (response) => {
      if (response.status() >= 400 && response.url().includes('/pkg/')) {
        failedAssets.push(`${response.status()} ${response.url()}`);
      }
    });
    page.on('console', (message) => {
      const type = message.type();
      if (type === 'error') consoleErrors.push(message.text());
      if (type === 'error' || type === 'warning') {
        consoleMessages.push({ type, text: message.text(), at: pathOfUrl(page.url()) });
      }
    });
    diagnostics.set(page, { pageErrors, failedAssets, consoleErrors });
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  if (!diagnostics.has(page)) watch(page);
  const unexpected = () =>
    consoleMessages.filter(({ text }) =>
      !allowed.some((pattern) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text))),
    );
  return {
    context,
    page,
    pageErrors,
    consoleMessages,
    /** Expects console messages matching `pattern` (a RegExp, or text they contain) from now on. */
    allowConsole(pattern) {
      allowed.push(pattern);
    },
    async close({ checkConsole = true } = {}) {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      const logged = unexpected();
      if (checkConsole && logged.length > 0) {
        const lines = logged.map(({ type, text, at }) => `  ${type} on ${at}: ${text.slice(0, 500)}`);
        throw new Error(`the pages logged ${logged.length} console warning(s) or error(s):\n${lines.join('\n')}`);
      }
    },
  };
}

/**
 * The console message of a failed request the test expects: the browser logs one for every
 * answer with an error status, e.g. `failedRequest(404)` for a page that is not found.
 */
export function failedRequest(status) {
  return `Failed to load resource: the server responded with a status of ${status}`;
}

/**
 * Runs `body(page, browser)` in a fresh browser and always closes it, so one failing test
 * cannot leak a logged-in session or a Chromium process into the next. The test fails when a page
 * logged a console warning or error that `options.allowConsole` does not expect (checked only
 * when the body passed, so that its own failure is the one reported).
 */
export async function withBrowser(viewport, body, options = {}) {
  const browser = await openBrowser(viewport, options);
  let passed = false;
  try {
    const result = await body(browser.page, browser);
    passed = true;
    return result;
  } finally {
    await browser.close({ checkConsole: passed });
  }
}

/**
 * Waits until the WASM has taken over the server-rendered page (clicks before that are lost), and
 * fails at once when hydration panicked: the marker is set by an effect that can run before a
 * later part of the page panics.
 */
export async function waitForHydration(page) {
  const { pageErrors = [], failedAssets = [], consoleErrors = [] } = diagnostics.get(page) ?? {};
  const explain = () =>
    [...failedAssets, ...pageErrors.map((e) => e.message), ...consoleErrors].join('; ') ||
    'no page errors';
  try {
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  } catch (error) {
    error.message = `${pathOf(page)} never hydrated (${explain()})\n${error.message}`;
    throw error;
  }
  // Let the rest of the hydration pass run before judging it.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
  if (pageErrors.length > 0) {
    throw new Error(`${pathOf(page)} failed while hydrating: ${explain()}`);
  }
}

/** Opens `path` (relative to BASE_URL) and waits for hydration. */
export async function visit(page, path) {
  await page.goto(path);
  await waitForHydration(page);
}

/**
 * Logs in through the login form and waits until the app has left /login; a refused login fails
 * at once with the page's error message. Callers assert where they landed.
 */
export async function login(page, username, password) {
  await visit(page, '/login');
  await submitLogin(page, username, password);
  const error = page.locator('.form-error');
  const refusal = await Promise.race([
    page.waitForURL((url) => url.pathname !== '/login').then(() => null),
    error.waitFor().then(() => error.innerText()),
  ]);
  if (refusal !== null) {
    throw new Error(`login as ${username} was refused: ${refusal.trim()}`);
  }
  await waitForHydration(page);
  await routed(page);
}

/**
 * Waits until the router has shown the page it navigated to: every page's code is loaded when it
 * is first opened (a lazy route), so the previous page stays on screen a moment after the address
 * changed.
 */
export async function routed(page) {
  await page.waitForFunction(() => document.body?.dataset.routing !== 'true');
}

/** Fills and submits the login form on the current (hydrated) login page. */
export async function submitLogin(page, username, password) {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
}

/**
 * Saves a screenshot to end2end/screenshots/<name>.png (git-ignored) for review: the full page, or
 * with `{ fullPage: false }` what the screen shows.
 */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The page's path plus query, e.g. `/login?registered=1`. */
export function pathOf(page) {
  return pathOfUrl(page.url());
}

function pathOfUrl(address) {
  const url = new URL(address);
  return url.pathname + url.search;
}

/** The width of the whole document; wider than the viewport means the user scrolls sideways. */
export async function documentWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Reads the QR code shown by `locator` off a screenshot of it; null when none decodes. */
export async function decodeQr(locator) {
  const png = PNG.sync.read(await locator.screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return found?.data ?? null;
}

/**
 * Calls `check` until it returns something other than undefined, null or false, and returns that;
 * fails after `timeout` ms saying what was awaited and what `check` last saw (its last error, or
 * `describe()` of the last attempt when given).
 */
export async function until(what, check, { timeout = STEP_TIMEOUT_MS, interval = 200, describe } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    let result;
    try {
      result = await check();
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (result !== undefined && result !== null && result !== false) return result;
    if (Date.now() >= deadline) {
      const seen = last ? `: ${last.message}` : describe ? `; last seen ${await describe()}` : '';
      throw new Error(`timed out after ${timeout} ms waiting until ${what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Calls the REST API as `token`'s user and returns the answer's JSON; fails on a refusal. */
export async function api(method, path, body, token) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
}

/** A bearer token of `user` ({ username, password }). */
export async function apiToken(user) {
  return (await api('POST', '/api/v2/auth/login', user)).token;
}

/** Makes a batch of `quantity` vouchers of a plan and waits until all are on the router. */
export async function makeStock(token, planId, quantity, { timeout = 30_000 } = {}) {
  const { batch_id: batch } = await api('POST', '/api/v2/vouchers/batch', { plan_id: planId, quantity }, token);
  let progress;
  await until(
    `batch ${batch} is on the router`,
    async () => {
      progress = await api('GET', `/api/v2/vouchers/batches/${batch}`, undefined, token);
      return progress.pushed === quantity;
    },
    { timeout, interval: 250, describe: () => JSON.stringify(progress) },
  );
  return batch;
}

const SIM_BIN =
  process.env.ROUTEROS_SIM_BIN ??
  join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'debug', 'routeros-sim');

/**
 * Starts a RouterOS simulator of the calling test file's own (target/debug/routeros-sim, or
 * ROUTEROS_SIM_BIN) on a free port, so that no other test's hotspot users mix with its own.
 * `args` are more of its options (e.g. its demo modes). Resolves to
 * { host, port, username, password, stop() }.
 */
export async function startSimulator({ username = 'admin', password = 'sim-router', args = [] } = {}) {
  const child = spawn(SIM_BIN, ['--listen', '127.0.0.1:0', '--user', username, '--password', password, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const failed = once(child, 'exit').then(([code]) => {
    throw new Error(`${SIM_BIN} exited with ${code}`);
  });
  const lines = createInterface({ input: child.stdout });
  const listening = (async () => {
    for await (const line of lines) {
      const found = /^listening on (.+):(\d+)$/.exec(line.trim());
      if (found) return { host: found[1], port: Number(found[2]) };
    }
    throw new Error('the simulator printed no address');
  })();
  let address;
  try {
    address = await Promise.race([listening, failed]);
  } catch (error) {
    child.kill();
    throw error;
  }
  failed.catch(() => {});
  return { ...address, username, password, stop: () => child.kill() };
}

/**
 * Runs `body(client)` with a third-party RouterOS API client (node-routeros) logged in to
 * `router` ({ host, port, username, password }), and logs out after.
 */
export async function withRouterOs(router, body) {
  const client = new RouterOSAPI({
    host: router.host,
    port: Number(router.port),
    user: router.username,
    password: router.password,
    timeout: 5,
  });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** The names of the hotspot users on `router`. */
export async function hotspotUserNames(router) {
  return withRouterOs(router, async (client) =>
    (await client.write('/ip/hotspot/user/print', ['=.proplist=name'])).map((row) => row.name),
  );
}
