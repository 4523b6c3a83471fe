// Selling vouchers as a cashier does it: on a tablet (768×1024, touch only) the cashier taps plans
// and each tap sells one voucher, shown with its code and a QR code that opens the hotspot login
// with that code; a double tap sells once; the day's totals follow. An admin prints voucher sheets
// (A4 and 58 mm) whose QR codes decode to the login URL with the code, and reads the sales report.
//
// Runs against the app at BASE_URL with the demo accounts seeded and its background worker
// running. The tests start a RouterOS simulator of their own (target/debug/routeros-sim, or
// ROUTEROS_SIM_BIN), so that no other test's router users mix with theirs, and through the REST
// API register it with its hotspot login page, two plans and a batch of stock. The database may
// hold sales of earlier runs, so totals are compared with what the page showed before. The router
// stays registered when its simulator stops, so the dashboard reports it unreachable afterwards
// (`make test` gives every run a fresh database and runs this file last).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  BASE_URL,
  DESKTOP,
  TABLET,
  decodeQr,
  documentWidth,
  login,
  screenshot,
  visit,
  withBrowser,
} from './support.mjs';

const TEST_TIMEOUT_MS = 120_000;
const CASHIER = { username: 'kasir', password: 'kasir12345' };
const ADMIN = { username: 'admin', password: 'admin12345' };
const SIM_BIN =
  process.env.ROUTEROS_SIM_BIN ??
  join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'debug', 'routeros-sim');
const SIM_LOGIN = { username: 'admin', password: 'sales-router' };
let simulator;
const run = String(randomInt(0, 1_000_000)).padStart(6, '0');
const LOGIN_PAGE = `http://hotspot-${run}.lan/login`;
// Three hours without stock (each sale makes its voucher), one day with a batch in stock.
const HOURS = `Jam ${run}`;
const DAY = `Hari ${run}`;
const PRICES = { [HOURS]: 3_000, [DAY]: 5_000 };

/** The batch of stock made for the day plan; printed by the sheet test. */
let stockBatch;
/** The router the tests registered. */
let routerId;

/** Calls the REST API as `token`'s user; fails the test on a refusal. */
async function api(method, path, body, token) {
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
  return text ? JSON.parse(text) : null;
}

/** Starts the simulator on a free port; resolves to its address. */
async function startSimulator() {
  simulator = spawn(
    SIM_BIN,
    ['--listen', '127.0.0.1:0', '--user', SIM_LOGIN.username, '--password', SIM_LOGIN.password],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const failed = once(simulator, 'exit').then(([code]) => {
    throw new Error(`${SIM_BIN} exited with ${code}`);
  });
  const lines = createInterface({ input: simulator.stdout });
  const listening = (async () => {
    for await (const line of lines) {
      const found = /^listening on (.+):(\d+)$/.exec(line.trim());
      if (found) return { host: found[1], port: Number(found[2]) };
    }
    throw new Error('the simulator printed no address');
  })();
  return Promise.race([listening, failed]);
}

after(() => simulator?.kill());

before(async () => {
  const sim = await startSimulator();
  const { token } = await api('POST', '/api/v2/auth/login', ADMIN);
  const router = await api(
    'POST',
    '/api/v2/routers',
    {
      name: `Kasir Uji ${run}`,
      host: sim.host,
      port: sim.port,
      username: SIM_LOGIN.username,
      password: SIM_LOGIN.password,
      hotspot_login_url: LOGIN_PAGE,
    },
    token,
  );
  routerId = router.id;
  const plan = (name, price, validity) =>
    api(
      'POST',
      '/api/v2/plans',
      { router_id: router.id, name, price, validity, profile: `kasir-${run}`, rate_limit: '2M/4M' },
      token,
    );
  await plan(HOURS, PRICES[HOURS], '3h');
  const day = await plan(DAY, PRICES[DAY], '1d');
  const batch = await api('POST', '/api/v2/vouchers/batch', { plan_id: day.id, quantity: 10 }, token);
  stockBatch = batch.batch_id;
  // The stock sells once it is on the router.
  for (let i = 0; ; i += 1) {
    const progress = await api('GET', `/api/v2/vouchers/batches/${stockBatch}`, undefined, token);
    if (progress.pushed === 10) break;
    assert.ok(i < 120, `the stock batch reached the router (${JSON.stringify(progress)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

const text = async (locator) => (await locator.innerText()).trim();
/** "Rp 16.000" → 16000 */
const rupiah = (shown) => Number(shown.replace(/[^0-9]/g, '') || '0');
const loginUrl = (code, password = code) =>
  `${LOGIN_PAGE}?username=${encodeURIComponent(code)}&password=${encodeURIComponent(password)}`;

/** The day's totals of all cashiers, as the sales screen shows them. */
async function dayTotals(page) {
  const panel = page.locator('.pos-today');
  const count = panel.locator('[data-total="count"]');
  if ((await count.count()) === 0) return { count: 0, amount: 0 };
  return {
    count: Number(await text(count)),
    amount: rupiah(await text(panel.locator('[data-total="amount"]'))),
  };
}

async function waitForTotals(page, expected) {
  await page.waitForFunction(
    ({ count, amount }) => {
      const shownCount = document.querySelector('.pos-today [data-total="count"]')?.textContent;
      const shownAmount = document.querySelector('.pos-today [data-total="amount"]')?.textContent;
      return (
        Number(shownCount) === count && Number((shownAmount ?? '').replace(/[^0-9]/g, '')) === amount
      );
    },
    expected,
  );
}

function tile(page, plan) {
  return page.locator('.plan-tile', { has: page.locator('.tile-name', { hasText: new RegExp(`^${plan}$`) }) });
}

/** Taps a plan and waits for a sale other than `previousId`; returns the sale shown. */
async function sell(page, plan, previousId) {
  await tile(page, plan).tap();
  const sale = page.locator('.sale');
  await page.waitForFunction(
    (before) => {
      const id = document.querySelector('.sale')?.dataset.saleId;
      return id && id !== before;
    },
    previousId ?? '',
  );
  const code = await text(sale.locator('.sale-code'));
  return { id: await sale.getAttribute('data-sale-id'), code, sale };
}

test('a cashier sells vouchers on a tablet with taps only', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(
    TABLET,
    async (page) => {
      // The receipt printer is the browser's print dialog: count the calls instead of opening it.
      await page.addInitScript(() => {
        window.__prints = 0;
        window.print = () => {
          window.__prints += 1;
        };
      });
      await login(page, CASHIER.username, CASHIER.password);
      assert.equal(new URL(page.url()).pathname, '/pos');
      await page.locator('.plan-tile').first().waitFor();
      const before = await dayTotals(page);
      const day = await text(page.locator('#pos-today-title .muted'));
      await screenshot(page, 'sales-tablet-start');

      const sold = [];
      let last;
      for (const plan of [HOURS, DAY, HOURS]) {
        last = await sell(page, plan, last?.id);
        assert.match(last.code, /^[A-Z0-9]{6,}$/, `a code is shown for ${plan}`);
        assert.ok(!sold.some((s) => s.code === last.code), 'every sale has its own voucher');
        assert.match(await text(last.sale.locator('.sale-plan')), new RegExp(plan));
        const qr = await decodeQr(last.sale.locator('.sale-qr'));
        assert.equal(qr, loginUrl(last.code), 'the QR code opens the hotspot login with the code');
        sold.push({ plan, ...last });
      }
      await screenshot(page, 'sales-tablet-sold');

      // A double tap: two touches a few milliseconds apart on the same tile.
      const box = await tile(page, DAY).boundingBox();
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      await page.touchscreen.tap(x, y);
      await page.touchscreen.tap(x, y);
      await page.waitForFunction((before) => document.querySelector('.sale')?.dataset.saleId !== before, last.id);
      const doubled = await text(page.locator('.sale .sale-code'));
      sold.push({ plan: DAY, code: doubled });
      // Let a second sale, if one were made, reach the page.
      await page.waitForTimeout(1_500);

      const expected = {
        count: before.count + sold.length,
        amount: before.amount + sold.reduce((sum, s) => sum + PRICES[s.plan], 0),
      };
      // "Today" is the business's local day: a run across its midnight starts a new one.
      if ((await text(page.locator('#pos-today-title .muted'))) === day) {
        await waitForTotals(page, expected);
        assert.deepEqual(await dayTotals(page), expected, 'four sales, the double tap counted once');
        const mine = rupiah(await text(page.locator('[data-stat="mine-total"] .stat-value')));
        assert.ok(mine >= 16_000, `the cashier's own total includes the new sales (${mine})`);
        const latest = await page.locator('.latest-sales li .code').allInnerTexts();
        for (const s of sold) assert.ok(latest.includes(s.code), `${s.code} is in the latest sales`);
        assert.equal(new Set(latest).size, latest.length, 'no voucher listed twice');
      }
      assert.equal(await page.evaluate(() => window.__prints), 4, 'one receipt printed per sale');
      assert.ok((await documentWidth(page)) <= TABLET.width, 'nothing scrolls sideways on the tablet');

      // The receipt: the only thing on paper, with the code and a QR code that decodes.
      await page.emulateMedia({ media: 'print' });
      const receipt = page.locator('.receipt');
      assert.ok(await receipt.isVisible(), 'the receipt shows in print');
      assert.ok(!(await page.locator('.pos-sell').isVisible()), 'the plan buttons are not printed');
      assert.equal(await text(receipt.locator('.receipt-code')), doubled);
      assert.equal(await decodeQr(receipt.locator('.receipt-qr')), loginUrl(doubled));
      await screenshot(page, 'sales-receipt-58mm');
    },
    { deviceScaleFactor: 2 },
  ));

test('printed sheets carry QR codes that decode to the login URL with the code', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(
    DESKTOP,
    async (page) => {
      await login(page, ADMIN.username, ADMIN.password);
      await visit(page, '/admin/vouchers');
      await page.locator(`tr[data-batch="${stockBatch}"] a[data-print="a4"]`).click();
      await page.waitForURL(/\/print\/vouchers\?batch=/);
      await page.locator('.voucher-card').first().waitFor();
      const cards = page.locator('.sheet-a4 .voucher-card');
      assert.equal(await cards.count(), 10, 'the whole batch on the sheet');
      for (const sheetPage of await page.locator('.sheet-page').all()) {
        assert.ok((await sheetPage.locator('.voucher-card').count()) <= 40, 'at most 40 on an A4 page');
      }
      await page.emulateMedia({ media: 'print' });
      assert.ok(!(await page.locator('.print-toolbar').isVisible()), 'the toolbar is not printed');
      await screenshot(page, 'sheet-a4-print');
      for (const card of (await cards.all()).slice(0, 4)) {
        const code = await card.getAttribute('data-code');
        assert.equal(await text(card.locator('.v-code')), code);
        assert.match(await text(card.locator('.v-price')), /^Rp [0-9.]+$/);
        assert.match(await text(card.locator('.v-validity')), /hari|jam/);
        assert.equal(await decodeQr(card.locator('.qr')), loginUrl(code), `the QR code of ${code}`);
      }

      await page.emulateMedia({ media: 'screen' });
      await page.locator('.segmented a', { hasText: '58' }).click();
      await page.waitForURL(/layout=58mm/);
      await page.locator('.sheet-thermal .voucher-card').first().waitFor();
      await page.emulateMedia({ media: 'print' });
      await screenshot(page, 'sheet-58mm-print');
      const strip = await page.locator('.sheet-thermal').boundingBox();
      assert.ok(Math.abs(strip.width - (58 * 96) / 25.4) < 2, `the strip is 58 mm wide (${strip.width}px)`);
      for (const card of (await page.locator('.sheet-thermal .voucher-card').all()).slice(0, 2)) {
        const code = await card.getAttribute('data-code');
        assert.equal(await decodeQr(card.locator('.qr')), loginUrl(code));
      }

      // The voucher list tells the sold vouchers of the batch from the printed ones.
      await page.emulateMedia({ media: 'screen' });
      await visit(page, `/admin/vouchers?batch=${stockBatch}`);
      await page.locator('.vouchers-table tr[data-voucher]').first().waitFor();
      assert.equal(await page.locator('.vouchers-table [data-sold]').count(), 2, 'two sales came from this stock');
      assert.equal(await page.locator('.vouchers-table [data-printed]').count(), 8, 'the rest is marked printed');

      // A selection from the voucher list.
      await visit(page, '/admin/vouchers');
      const chosen = [];
      for (const row of (await page.locator('.vouchers-table tr[data-voucher]').all()).slice(0, 2)) {
        await row.locator('input[type="checkbox"][name="id"]').check();
        chosen.push(await row.getAttribute('data-voucher'));
      }
      await page.locator('#print-selection button[type="submit"]').click();
      await page.waitForURL(/\/print\/vouchers\?/);
      await page.locator('.voucher-card').first().waitFor();
      const printed = await page.locator('.voucher-card').evaluateAll((cards) => cards.map((c) => c.dataset.code));
      assert.deepEqual([...printed].sort(), [...chosen].sort(), 'the chosen vouchers and no others');
    },
    { deviceScaleFactor: 2 },
  ));

test('the sales report adds up and exports CSV', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    // The dashboard shows today's sales and leads to the report.
    const soldToday = page.locator('[data-stat="sold-today"]');
    assert.match(await text(soldToday), /^[0-9]+$/);
    assert.match(await text(page.locator('[data-stat="revenue-today"]')), /^Rp [0-9.]+$/);
    await page.locator('a.stat-link', { has: soldToday }).click();
    await page.waitForURL('**/admin/reports');
    await page.locator('[data-stat="count"]').waitFor();
    const count = Number(await text(page.locator('[data-stat="count"] .stat-value')));
    const revenue = rupiah(await text(page.locator('[data-stat="revenue"] .stat-value')));
    assert.ok(count >= 4, `this month's sales include today's (${count})`);
    for (const group of ['day', 'plan', 'cashier', 'router']) {
      const table = page.locator(`[data-group="${group}"]`);
      assert.equal(Number(await text(table.locator('[data-total="count"]'))), count, `${group} count`);
      assert.equal(rupiah(await text(table.locator('[data-total="revenue"]'))), revenue, `${group} revenue`);
    }
    assert.ok(await page.locator('.chart-svg svg rect').count() > 1, 'the chart has bars');
    await screenshot(page, 'sales-report');

    const csvHref = await page.locator('a[href*="/api/v2/reports/sales.csv"]').getAttribute('href');
    const response = await page.request.get(csvHref);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /text\/csv/);
    const lines = (await response.text()).trim().split('\n');
    assert.equal(lines.length, count + 1, 'a header and one line per sale');
    const total = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[6]), 0);
    assert.equal(total, revenue);
  }));

test('a plan switched off leaves the sales screen until it is switched on', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, `/admin/plans?router=${routerId}`);
    const row = page.locator(`tr[data-plan="${HOURS}"]`);
    await row.locator('button[data-switch="off"]').click();
    await row.locator('button[data-switch="on"]').waitFor();
    assert.equal(await text(row.locator('.badge')), 'Nonaktif');
    await screenshot(page, 'plan-switched-off');

    await withBrowser(TABLET, async (pos) => {
      await login(pos, CASHIER.username, CASHIER.password);
      await tile(pos, DAY).waitFor();
      assert.equal(await tile(pos, HOURS).count(), 0, 'the plan that is off is not offered');
    });

    await row.locator('button[data-switch="on"]').click();
    await row.locator('button[data-switch="off"]').waitFor();
    assert.equal(await row.locator('.badge').count(), 0);
  }));
