// Shared helpers for the end-to-end tests: a fresh headless Debian Chromium per test, the
// running app's address, and the steps every test repeats (wait for hydration, log in).

import { chromium } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * meta-viewport behaviour. Returns the page, its uncaught errors, and a `close()` that stops the
 * browser and deletes the profile.
 */
export async function openBrowser(viewport = DESKTOP, { deviceScaleFactor = 1 } = {}) {
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
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  const failedAssets = [];
  page.on('response', (response) => {
    if (response.status() >= 400 && response.url().includes('/pkg/')) {
      failedAssets.push(`${response.status()} ${response.url()}`);
    }
  });
  // A Rust panic's message reaches the console (console_error_panic_hook), not `pageerror`.
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  diagnostics.set(page, { pageErrors, failedAssets, consoleErrors });
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `body(page, browser)` in a fresh browser and always closes it, so one failing test
 * cannot leak a logged-in session or a Chromium process into the next.
 */
export async function withBrowser(viewport, body, options = {}) {
  const browser = await openBrowser(viewport, options);
  try {
    return await body(browser.page, browser);
  } finally {
    await browser.close();
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
}

/** Fills and submits the login form on the current (hydrated) login page. */
export async function submitLogin(page, username, password) {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
}

/** Saves a full-page screenshot to end2end/screenshots/<name>.png (git-ignored) for review. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The page's path plus query, e.g. `/login?registered=1`. */
export function pathOf(page) {
  const url = new URL(page.url());
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
