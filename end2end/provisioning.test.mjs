// Hotspot provisioning in a real browser: an admin registers a (simulated) MikroTik router,
// tests its connection and syncs its profiles, creates a plan on it, makes a batch of 50
// vouchers and watches the batch reach the router live; a simulated customer's login activates
// a voucher and, its one-minute validity over, the voucher expires and leaves the router. Bad input
// shows the translated error and changes nothing. Every page is also checked on a phone.
//
// Runs against the app at BASE_URL with the demo accounts seeded and its background worker
// running, and a RouterOS simulator at 127.0.0.1:18728 (user admin, password demo-router; set
// ROUTEROS_SIM_PORT for another port). The database persists between runs (and the foundation
// tests run before these), so every run uses its own router name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  DESKTOP,
  PHONE,
  documentWidth,
  failedRequest,
  hotspotUserNames,
  login,
  pathOf,
  screenshot,
  until,
  visit,
  withBrowser,
  withRouterOs,
} from './support.mjs';

const TEST_TIMEOUT_MS = 120_000;
// The worker drains the router outbox about once a second; 50 vouchers take a few seconds.
const PUSH_TIMEOUT_MS = 60_000;

const ADMIN = { username: 'admin', password: 'admin12345' };
const SIM = {
  host: '127.0.0.1',
  port: process.env.ROUTEROS_SIM_PORT ?? '18728',
  username: 'admin',
  password: 'demo-router',
};

const run = String(randomInt(0, 1_000_000)).padStart(6, '0');
const ROUTER_NAME = `Sim Uji ${run}`;
const PLAN_NAME = `Harian ${run}`;

const text = async (locator) => (await locator.innerText()).trim();

/** The batch made by the batch test, used by the voucher-lifecycle test after it. */
let batchId;

/** A full-page screenshot from the top (the sticky bars would otherwise cut across it). */
async function screenshotFromTop(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function assertFitsWidth(page, width) {
  const scrollWidth = await documentWidth(page);
  assert.ok(scrollWidth <= width, `${pathOf(page)} is ${scrollWidth}px wide on a ${width}px screen`);
}

/** Opens the batch form of the vouchers page from its button, and returns the form. */
async function openBatchForm(page) {
  const form = page.locator('form:has(select[name="plan_id"])');
  assert.ok(!(await form.isVisible()), 'the batch form starts closed, below its button');
  await page.locator('.batch-new > summary').click();
  await form.waitFor();
  return form;
}

/** The router's block in the routers table (its row, its buttons and their outcomes). */
const routerEntry = (page) => page.locator(`tbody[data-router="${ROUTER_NAME}"]`);

/**
 * The "new plan" form of the router just chosen on the plans page. The page keeps showing the
 * previous router's plans until the chosen router's arrive, then renders a fresh form: fields
 * filled before that would be thrown away.
 */
async function planFormOfChosenRouter(page) {
  await page.waitForURL(/\/admin\/plans\?router=\d+$/);
  const routerId = new URL(page.url()).searchParams.get('router');
  const form = page.locator(`form[data-router="${routerId}"]:not(:has(input[name="plan_id"]))`);
  await form.waitFor();
  return form;
}

async function fillRouterForm(form, { name, host, port, username, password }) {
  await form.locator('input[name="name"]').fill(name);
  await form.locator('input[name="host"]').fill(host);
  await form.locator('input[name="port"]').fill(port);
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
}

// The tests build on each other (router → plan → batch) and run in file order.

test('admin registers the router, tests its connection and syncs its profiles', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page, browser) => {
    // The refused form below is answered 422.
    browser.allowConsole(failedRequest(422));
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/routers');
    assert.equal(await text(page.locator('h1')), 'Router');
    const form = page.locator('form:has(input[name="host"])').last();

    // A port that is not a number: the translated error, the field marked, nothing added.
    await fillRouterForm(form, { ...SIM, name: ROUTER_NAME, port: 'delapan' });
    await form.locator('button[type="submit"]').click();
    const error = page.locator('.form-error');
    await error.waitFor();
    assert.equal(await text(error), 'Port harus angka 1 sampai 65535.');
    assert.equal(await form.locator('input[name="port"]').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.locator('input[name="name"]').inputValue(), ROUTER_NAME, 'the typed input stays');
    assert.equal(await routerEntry(page).count(), 0);

    await form.locator('input[name="port"]').fill(SIM.port);
    await form.locator('button[type="submit"]').click();
    const entry = routerEntry(page);
    await entry.waitFor();
    assert.equal(await page.locator('.form-error').count(), 0);
    assert.match(await text(entry.locator('tr').first()), new RegExp(`${SIM.host}:${SIM.port}`));
    assert.equal(await form.locator('input[name="name"]').inputValue(), '', 'the add form is cleared');

    await entry.getByRole('button', { name: 'Tes koneksi' }).click();
    const tested = entry.locator('[data-outcome="test"]');
    await tested.waitFor();
    assert.match(await text(tested), /Router terhubung \(\d+\sms\)/);
    // The test records what it saw: the row shows the router's identity and version.
    const [identity, version] = await tested.locator('dd').allInnerTexts();
    assert.ok(identity.trim() && version.trim(), `identity "${identity}", version "${version}"`);
    const firstRow = entry.locator('tr').first();
    await firstRow.getByText('Terhubung', { exact: true }).waitFor();
    await firstRow.getByText(version.trim(), { exact: true }).waitFor();
    await firstRow.getByText(identity.trim(), { exact: true }).waitFor();

    await entry.getByRole('button', { name: 'Sinkronkan profil' }).click();
    const synced = entry.locator('[data-outcome="sync"]');
    await synced.waitFor();
    assert.match(await text(synced), /Profil disinkronkan: [1-9]\d* profil hotspot/);
    await screenshotFromTop(page, 'routers-desktop');
  }),
);

test('admin creates a plan on the router; a bad price changes nothing', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page, browser) => {
    browser.allowConsole(failedRequest(422));
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/plans');
    assert.equal(await text(page.locator('h1')), 'Paket');
    await page.locator('select[name="router"]').selectOption({ label: ROUTER_NAME });
    const form = await planFormOfChosenRouter(page);
    const fill = async (price) => {
      await form.locator('input[name="name"]').fill(PLAN_NAME);
      await form.locator('input[name="price"]').fill(price);
      // One minute, so that a voucher's whole life (first login, expiry) fits in the next test.
      await form.locator('input[name="validity"]').fill('1m');
      await form.locator('input[name="profile"]').fill('default');
      await form.locator('input[name="rate_limit"]').fill('2M/5M');
      await form.locator('input[name="shared_users"]').fill('1');
    };
    await fill('lima ribu');
    await form.locator('button[type="submit"]').click();
    const error = page.locator('.form-error');
    await error.waitFor();
    assert.match(await text(error), /^Harga harus angka bulat/);
    assert.equal(await form.locator('input[name="price"]').inputValue(), 'lima ribu', 'the typed input stays');
    assert.equal(await page.locator(`tr[data-plan="${PLAN_NAME}"]`).count(), 0);

    await form.locator('input[name="price"]').fill('5.000');
    await form.locator('button[type="submit"]').click();
    const plan = page.locator(`tr[data-plan="${PLAN_NAME}"]`);
    await plan.waitFor();
    const cells = await text(plan);
    assert.match(cells, /Rp 5\.000/);
    assert.match(cells, /1 menit/, 'the validity in words, as elsewhere');
    assert.match(cells, /default/);
    assert.equal(await form.locator('input[name="name"]').inputValue(), '', 'the form is cleared for the next plan');
    await screenshotFromTop(page, 'plans-desktop');

    // Editing the plan's rate limit updates its profile on the router.
    await plan.getByRole('button', { name: 'Ubah' }).click();
    const editor = page.locator(`.plan-editor[data-editing="${PLAN_NAME}"] form`);
    assert.equal(await editor.locator('input[name="price"]').inputValue(), '5000', 'the form starts from the plan');
    await editor.locator('input[name="rate_limit"]').fill('3M/6M');
    await editor.locator('button[type="submit"]').click();
    await page.locator('.plan-editor').waitFor({ state: 'detached' });
    let rateLimit;
    await until(
      'the profile on the router has the new rate limit',
      async () => (rateLimit = await routerProfileRateLimit('default')) === '3M/6M',
      { interval: 300, describe: () => rateLimit },
    );
  }),
);

test('admin creates a PPPoE plan: billed monthly, its profile on the router', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/plans');
    await page.locator('select[name="router"]').selectOption({ label: ROUTER_NAME });
    const form = await planFormOfChosenRouter(page);
    await form.locator('select[name="kind"]').selectOption('pppoe');
    // Validity, quotas and shared users are hotspot settings: hidden for a PPPoE plan.
    for (const field of ['validity', 'time_quota', 'data_quota_mb', 'shared_users']) {
      await form.locator(`input[name="${field}"]`).waitFor({ state: 'hidden' });
    }
    const name = `Rumah ${run}`;
    await form.locator('input[name="name"]').fill(name);
    await form.locator('input[name="price"]').fill('150.000');
    await form.locator('input[name="profile"]').fill(`pppoe-${run}`);
    await form.locator('input[name="rate_limit"]').fill('5M/10M');
    await form.locator('button[type="submit"]').click();
    const plan = page.locator(`tr[data-plan="${name}"]`);
    await plan.waitFor();
    const cells = await text(plan);
    assert.match(cells, /PPPoE/);
    assert.match(cells, /Rp 150\.000/);
    assert.match(cells, /Bulanan/);
    let rateLimit;
    await until(
      'the PPP profile is on the router with its rate limit',
      async () =>
        (rateLimit = await withRouterOs(SIM, async (client) => {
          const rows = await client.write('/ppp/profile/print');
          return rows.find((row) => row.name === `pppoe-${run}`)?.['rate-limit'];
        })) === '5M/10M',
      { interval: 300, describe: () => rateLimit },
    );
    // Vouchers are made of hotspot plans only.
    await visit(page, '/admin/vouchers');
    await openBatchForm(page);
    const options = await page.locator('select[name="plan_id"] option').allInnerTexts();
    assert.ok(options.length > 0 && !options.some((o) => o.includes(name)), `no PPPoE plan among ${options}`);
    await screenshotFromTop(page, 'vouchers-plans-hotspot-only');
  }),
);

test('admin makes a batch of 50 vouchers and watches it reach the router', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page, browser) => {
    browser.allowConsole(failedRequest(422));
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/vouchers');
    assert.equal(await text(page.locator('h1')), 'Voucher');

    const form = await openBatchForm(page);
    await form.locator('select[name="plan_id"]').selectOption({ label: `${PLAN_NAME} — ${ROUTER_NAME} — Rp 5.000` });

    // Too many vouchers: the translated error and no batch.
    await form.locator('input[name="quantity"]').evaluate((input) => input.removeAttribute('max'));
    await form.locator('input[name="quantity"]').fill('10001');
    await form.locator('button[type="submit"]').click();
    const error = page.locator('.form-error');
    await error.waitFor();
    assert.equal(await text(error), 'Jumlah voucher harus antara 1 dan 10.000.');
    assert.equal(pathOf(page), '/admin/vouchers');

    await form.locator('input[name="quantity"]').fill('50');
    await form.locator('input[name="prefix"]').fill('UJI-');
    await form.locator('input[name="comment"]').fill(`uji otomatis ${run}`);
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/admin\/vouchers\?batch=\d+$/);
    batchId = new URL(page.url()).searchParams.get('batch');

    // The form starts over and closes; the batch's own panel offers to print it.
    await form.waitFor({ state: 'hidden' });
    assert.equal(await form.locator('input[name="prefix"]').inputValue(), '', 'the form starts over');
    const printBatch = page.locator('.batch-live a[data-print-batch="a4"]');
    await printBatch.waitFor();
    assert.equal(await printBatch.getAttribute('href'), `/print/vouchers?batch=${batchId}&layout=a4`);

    // The progress follows the worker live, without a reload.
    const progress = page.locator('.batch-live .batch-progress');
    await progress.waitFor();
    assert.equal(await progress.getAttribute('data-failed'), '0');
    await page
      .locator('.batch-live .batch-progress[data-pushed="50"][data-pending="0"]')
      .waitFor({ timeout: PUSH_TIMEOUT_MS });
    assert.equal(await progress.getAttribute('data-failed'), '0');
    assert.match(await text(page.locator('.batch-live')), /Semua voucher sudah ada di router/);

    // The recent batches list shows it done, and the list is filtered to its 50 vouchers.
    const listed = page.locator(`.batches-table tr[data-batch="${batchId}"]`);
    await listed.locator('[data-count="pushed"]').getByText('50', { exact: true }).waitFor();
    const shown = page.locator('[data-shown]');
    await page.locator('[data-shown="50"]').waitFor();
    assert.equal(await shown.getAttribute('data-shown'), '50');
    assert.equal(await shown.getAttribute('data-total'), '50', 'the count of the filter, on all pages');
    assert.equal(await text(shown), 'Menampilkan 50 dari 50 voucher');
    const codes = await page.locator('.vouchers-table tbody th.code').allInnerTexts();
    assert.equal(codes.length, 50);
    assert.ok(codes.every((code) => /^UJI-[A-Z2-9]{8}$/.test(code.trim())), codes.slice(0, 3).join(', '));
    assert.equal(await page.locator('.vouchers-table .router-state-pushed').count(), 50);
    const onRouter = new Set(await routerUserNames());
    const missing = codes.map((code) => code.trim()).filter((code) => !onRouter.has(code));
    assert.deepEqual(missing, [], 'all 50 vouchers are hotspot users on the router');
    await screenshotFromTop(page, 'vouchers-desktop');

    // Disabling one voucher updates its row in place.
    const first = page.locator('.vouchers-table tbody tr').first();
    const code = await text(first.locator('th.code'));
    await first.getByRole('button', { name: 'Nonaktifkan' }).click();
    await page.locator(`.vouchers-table tr[data-voucher="${code}"][data-status="disabled"]`).waitFor();

    // "Print this batch" opens the print page with the batch chosen.
    await printBatch.click();
    await page.waitForURL(new RegExp(`/print/vouchers\\?batch=${batchId}&layout=a4$`));
    await page.locator('[data-printable]').waitFor();
    // All but the disabled one, less any a simulated customer has started using meanwhile (the
    // demo router logs one in every 2 s).
    const printable = Number(await page.locator('[data-printable]').getAttribute('data-printable'));
    assert.ok(printable <= 49 && printable >= 40, `${printable} printable: all but the disabled one and those in use`);
  }),
);

test('reconciliation finds the router in step with the vouchers', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/routers');
    await routerEntry(page).getByRole('button', { name: 'Cocokkan voucher' }).click();
    const outcome = routerEntry(page).locator('[data-outcome="reconcile"]');
    await outcome.waitFor();
    assert.match(await text(outcome), /^Pencocokan selesai: 0 voucher dikirim ulang ke router, 0 voucher yang ditarik atau kedaluwarsa dimatikan di router, 0 user/);
  }),
);

/** Reloads `path` about once a second until `selector` is on it, or fails after `timeoutMs`. */
async function reloadUntil(page, path, selector, timeoutMs) {
  await until(
    `${selector} is on ${path}`,
    async () => {
      await visit(page, path);
      return (await page.locator(selector).count()) > 0;
    },
    { timeout: timeoutMs, interval: 1_000 },
  );
  return page.locator(selector).first();
}

/** The rate limit of a hotspot user profile on the simulated router. */
async function routerProfileRateLimit(name) {
  return withRouterOs(SIM, async (client) => {
    const rows = await client.write('/ip/hotspot/user/profile/print');
    return rows.find((row) => row.name === name)?.['rate-limit'];
  });
}

/** The names of the hotspot users on the simulated router, read with a third-party API client. */
const routerUserNames = () => hotspotUserNames(SIM);

// The simulated customers of the test run log in with an unused voucher every 2 s, and the
// activation monitor looks every 5 s (scripts/dev.sh sets both for the browser tests).
test('a customer logging in activates a voucher, and at expiry it leaves the router', { timeout: 240_000 }, () =>
  withBrowser(DESKTOP, async (page) => {
    assert.ok(batchId, 'the batch test ran first');
    await login(page, ADMIN.username, ADMIN.password);
    const active = await reloadUntil(
      page,
      `/admin/vouchers?batch=${batchId}&status=active`,
      '.vouchers-table tr[data-status="active"]',
      60_000,
    );
    const code = await active.getAttribute('data-voucher');
    assert.ok((await routerUserNames()).includes(code), 'an active voucher is on the router');
    await screenshotFromTop(page, 'vouchers-active-desktop');

    // The plan lasts one minute from the first login.
    await reloadUntil(
      page,
      `/admin/vouchers?batch=${batchId}&status=expired`,
      `.vouchers-table tr[data-voucher="${code}"][data-status="expired"]`,
      120_000,
    );
    await until(`${code} has left the router after it expired`, async () => !(await routerUserNames()).includes(code), {
      timeout: 30_000,
      interval: 500,
    });
  }),
);

test('the provisioning pages fit a phone', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    for (const [path, name] of [
      ['/admin/routers', 'routers-phone'],
      ['/admin/plans', 'plans-phone'],
      ['/admin/vouchers', 'vouchers-phone'],
    ]) {
      await visit(page, path);
      // (The vouchers page's first card, the batch form, waits closed behind its button.)
      await page.locator('.card:visible').first().waitFor();
      await assertFitsWidth(page, PHONE.width);
      // Every button and link on the page is big enough to tap.
      for (const control of await page.locator('.content :is(button, .button, .pager a, a.tap-target):visible').all()) {
        const box = await control.boundingBox();
        assert.ok(box.height >= 44, `${path}: "${(await control.innerText()).trim()}" is ${box.height}px tall`);
      }
      await screenshotFromTop(page, name);
    }
  }),
);
