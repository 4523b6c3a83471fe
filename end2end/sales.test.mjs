// Selling vouchers as a cashier does it: on a tablet (768×1024, touch only) the cashier taps plans
// and each tap sells one voucher, shown with its code and a QR code that opens the hotspot login
// with that code; a double tap sells once; the day's totals follow. The same on a phone
// (375×812). An admin prints voucher sheets (A4 and 58 mm) whose QR codes decode to the login URL
// with the code, and reads the sales report.
//
// Runs against the app at BASE_URL with the demo accounts seeded and its background worker
// running. The tests start a RouterOS simulator of their own (target/debug/routeros-sim, or
// ROUTEROS_SIM_BIN), so that no other test's router users mix with theirs, and through the REST
// API register it with its hotspot login page and two plans; each test makes the stock and the
// sales it checks. The database may hold sales of earlier runs, so totals are compared with what
// the page showed before, and "today" is the business's local day, which may change during a
// test: the expected figures come from the sales report of the days the test spans. The router
// stays registered when its simulator stops, so the dashboard reports it unreachable afterwards
// (`make test` gives every run a fresh database and runs this file last).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import {
  DESKTOP,
  PHONE,
  TABLET,
  api,
  apiToken,
  decodeQr,
  documentWidth,
  login,
  makeStock,
  pathOf,
  screenshot,
  startSimulator,
  until,
  visit,
  waitForHydration,
  withBrowser,
} from './support.mjs';

const TEST_TIMEOUT_MS = 120_000;
const CASHIER = { username: 'kasir', password: 'kasir12345' };
const ADMIN = { username: 'admin', password: 'admin12345' };
const SITI = { email: 'siti@example.com', password: 'siti12345', whatsapp: '0812-3456-7802' };
// The code of the voucher the phone test sells to Siti's number.
let soldToSiti;
const run = String(randomInt(0, 1_000_000)).padStart(6, '0');
const LOGIN_PAGE = `http://hotspot-${run}.lan/login`;
// Three hours without stock (each sale makes its voucher), one day with a batch in stock.
const HOURS = `Jam ${run}`;
const DAY = `Hari ${run}`;
const PRICES = { [HOURS]: 3_000, [DAY]: 5_000 };

let simulator;
/** The router the tests registered, and the ids of its plans by name. */
let routerId;
const planIds = {};
let adminToken;
let cashierToken;

after(() => simulator?.stop());

before(async () => {
  simulator = await startSimulator({ password: 'sales-router' });
  adminToken = await apiToken(ADMIN);
  cashierToken = await apiToken(CASHIER);
  const router = await api(
    'POST',
    '/api/v2/routers',
    {
      name: `Kasir Uji ${run}`,
      host: simulator.host,
      port: simulator.port,
      username: simulator.username,
      password: simulator.password,
      hotspot_login_url: LOGIN_PAGE,
    },
    adminToken,
  );
  routerId = router.id;
  for (const [name, validity] of [
    [HOURS, '3h'],
    [DAY, '1d'],
  ]) {
    planIds[name] = (await addPlan(name, PRICES[name], validity)).id;
  }
});

function addPlan(name, price, validity) {
  return api(
    'POST',
    '/api/v2/plans',
    { router_id: routerId, name, price, validity, profile: `kasir-${run}`, rate_limit: '2M/4M' },
    adminToken,
  );
}

/** Sells one voucher of `plan` through the REST API, as the cashier. */
function sellByApi(plan) {
  return api('POST', '/api/v2/sales', { plan_id: planIds[plan], request_key: randomUUID() }, cashierToken);
}

const text = async (locator) => (await locator.innerText()).trim();
/** "Rp 16.000" → 16000 */
const rupiah = (shown) => Number(shown.replace(/[^0-9]/g, '') || '0');
const loginUrl = (code, password = code) =>
  `${LOGIN_PAGE}?username=${encodeURIComponent(code)}&password=${encodeURIComponent(password)}`;
/** "24-11-2026" (as the pages show a day) → "2026-11-24" */
const isoDay = (shown) => shown.trim().split('-').reverse().join('-');
/** The day before `day` ("2026-12-01" → "2026-11-30"). */
const dayBefore = (day) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Splits CSV text into rows of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(csv) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i += 1) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** Every sale of the business days `from`–`to`, from the report's CSV export (local times). */
async function salesOfDays(from, to) {
  const [header, ...rows] = parseCsv(await api('GET', `/api/v2/reports/sales.csv?from=${from}&to=${to}`, undefined, adminToken));
  assert.deepEqual(header.slice(0, 7), ['sale_id', 'sold_at', 'router', 'plan', 'cashier', 'voucher_code', 'price']);
  return rows.map(([id, soldAt, router, plan, cashier, code, price]) => ({
    id,
    day: soldAt.slice(0, 10),
    router,
    plan,
    cashier,
    code,
    price: Number(price),
  }));
}

const sum = (sales) => sales.reduce((total, s) => total + s.price, 0);

/** The day shown on the sales screen and its totals of all cashiers, read in one go. */
async function dayTotals(page) {
  const shown = await page.evaluate(() => {
    const panel = document.querySelector('.pos-today');
    const read = (selector) => panel?.querySelector(selector)?.textContent ?? null;
    return {
      day: read('#pos-today-title .muted'),
      count: read('[data-total="count"]'),
      amount: read('[data-total="amount"]'),
    };
  });
  if (shown.count === null) return { day: null, count: 0, amount: 0 };
  return { day: isoDay(shown.day ?? ''), count: Number(shown.count), amount: rupiah(shown.amount ?? '') };
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

/**
 * Counts the sale requests the page sends and those answered (window.__sells), and the receipts
 * it prints (window.__prints; the receipt printer is the browser's print dialog, so count the
 * calls instead of opening it).
 */
async function watchSales(page) {
  await page.addInitScript(() => {
    window.__prints = 0;
    window.print = () => {
      window.__prints += 1;
    };
    window.__sells = { sent: 0, answered: 0 };
    const send = window.fetch;
    window.fetch = function (input, ...rest) {
      const url = String(typeof input === 'string' || input instanceof URL ? input : input.url);
      if (!url.includes('/rpc/sell_voucher')) return send.call(this, input, ...rest);
      window.__sells.sent += 1;
      return send.call(this, input, ...rest).finally(() => {
        window.__sells.answered += 1;
      });
    };
  });
}

/**
 * Waits until every tap so far has been handled: taps reach the page in order, so once a last tap
 * on a neutral spot (the WhatsApp field's label) arrives as a click, the earlier ones have been
 * handled too, or dropped on a disabled button; then waits until every sale request they sent
 * has its answer.
 */
async function tapsSettled(page) {
  await page.evaluate(() => {
    window.__neutralTap = false;
    document.addEventListener(
      'click',
      function seen(event) {
        if (!event.target.closest?.('.pos-whatsapp')) return;
        window.__neutralTap = true;
        document.removeEventListener('click', seen, true);
      },
      true,
    );
  });
  await page.locator('.pos-whatsapp > span').tap();
  await page.waitForFunction(() => window.__neutralTap);
  await page.waitForFunction(() => window.__sells.sent === window.__sells.answered);
}

test('a cashier sells vouchers on a tablet with taps only', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The day plan sells from stock; the hours plan makes each voucher when it is sold.
  await makeStock(adminToken, planIds[DAY], 5);
  await withBrowser(
    TABLET,
    async (page) => {
      await watchSales(page);
      await login(page, CASHIER.username, CASHIER.password);
      assert.equal(new URL(page.url()).pathname, '/pos');
      await page.locator('.plan-tile').first().waitFor();
      await page.locator('.pos-today [data-total="count"]').waitFor();
      const before = await dayTotals(page);
      assert.match(before.day, /^\d{4}-\d{2}-\d{2}$/, 'the sales screen names its day');
      await screenshot(page, 'sales-tablet-start');

      const sold = [];
      let last;
      for (const plan of [HOURS, DAY, HOURS]) {
        last = await sell(page, plan, last?.id);
        if (sold.length === 0) {
          // Auto-print is off on a new device: the first receipt is not printed; the cashier
          // switches it on, and the device remembers it.
          const autoPrint = page.locator('input[name="auto_print"]');
          assert.equal(await autoPrint.isChecked(), false, 'auto-print starts off');
          assert.equal(await page.evaluate(() => window.__prints), 0, 'nothing printed by itself');
          await autoPrint.tap();
          assert.equal(await page.evaluate(() => localStorage.getItem('pos.autoPrint')), 'on');
        }
        assert.match(last.code, /^[A-Z0-9]{6,}$/, `a code is shown for ${plan}`);
        assert.ok(!sold.some((s) => s.code === last.code), 'every sale has its own voucher');
        assert.match(await text(last.sale.locator('.sale-plan')), new RegExp(plan));
        const qr = await decodeQr(last.sale.locator('.sale-qr'));
        assert.equal(qr, loginUrl(last.code), 'the QR code opens the hotspot login with the code');
        sold.push({ plan, id: last.id, code: last.code });
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
      sold.push({ plan: DAY, id: await page.locator('.sale').getAttribute('data-sale-id'), code: doubled });
      // A second sale, if the double tap made one, has reached the server after this.
      await tapsSettled(page);
      const requests = await page.evaluate(() => window.__sells);
      assert.ok(requests.sent >= 4 && requests.sent <= 5, `the page sent ${requests.sent} sale requests`);

      // The screen shows the totals of its day once it has caught up with the last sale. Its day
      // may be a later one than at the start (a test that crosses the business's midnight): the
      // expected totals are those of the sales report for the day shown.
      let shown;
      let expected;
      await until(
        'the sales screen shows the totals of its day',
        async () => {
          shown = await dayTotals(page);
          if (!shown.day || shown.day < before.day) return false;
          const ofDay = (await salesOfDays(before.day, shown.day)).filter((s) => s.day === shown.day);
          expected = { day: shown.day, count: ofDay.length, amount: sum(ofDay) };
          return shown.count === expected.count && shown.amount === expected.amount;
        },
        { describe: () => `${JSON.stringify(shown)} on the screen, ${JSON.stringify(expected)} in the report` },
      );

      // Since the start, exactly the four sales shown were made: the double tap sold once.
      const sales = await salesOfDays(before.day, shown.day);
      const mine = sales.filter((s) => sold.some((t) => t.id === s.id));
      assert.deepEqual(
        mine.map((s) => [s.code, s.plan, s.price]),
        sold.map((s) => [s.code, s.plan, PRICES[s.plan]]),
        'the report lists the sales the screen showed',
      );
      assert.deepEqual(
        { count: sales.length, amount: sum(sales) },
        { count: before.count + 4, amount: before.amount + 16_000 },
        'four sales since the start (the double tap counted once), and no other',
      );

      // The cashier's own figures and latest sales (the newest ten, newest first) are those of the
      // day shown.
      const cashier = mine[0].cashier;
      const cashierOfDay = sales.filter((s) => s.day === shown.day && s.cashier === cashier);
      assert.equal(Number(await text(page.locator('[data-stat="mine-count"] .stat-value'))), cashierOfDay.length);
      assert.equal(rupiah(await text(page.locator('[data-stat="mine-total"] .stat-value'))), sum(cashierOfDay));
      assert.deepEqual(
        await page.locator('.latest-sales li .code').allInnerTexts(),
        cashierOfDay.slice(-10).reverse().map((s) => s.code),
        'the latest sales, each voucher once',
      );

      assert.equal(await page.evaluate(() => window.__prints), 3, 'one receipt printed per sale once auto-print is on');
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
  );
});

test('a cashier sells on a phone: the plans fit the screen and are big enough to tap', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(
    PHONE,
    async (page) => {
      await watchSales(page);
      await login(page, CASHIER.username, CASHIER.password);
      assert.equal(new URL(page.url()).pathname, '/pos');
      await tile(page, DAY).waitFor();
      await tile(page, HOURS).waitFor();
      assert.ok(
        (await documentWidth(page)) <= PHONE.width,
        `the sales screen is ${await documentWidth(page)}px wide on a ${PHONE.width}px phone`,
      );
      const tiles = await page.locator('.plan-tile').all();
      for (const planTile of tiles) {
        const name = await text(planTile.locator('.tile-name'));
        const box = await planTile.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `${name} is inside the screen (${JSON.stringify(box)})`);
        assert.ok(box.height >= 44 && box.width >= 44, `${name} is big enough to tap (${box.width}×${box.height}px)`);
        const clipped = await planTile.evaluate((el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight);
        assert.ok(!clipped, `${name}: the tile's text fits in it`);
      }
      await screenshot(page, 'sales-phone-start');

      // Sold to a customer's WhatsApp number: it shows among her vouchers in the portal (below).
      await page.locator('.pos-whatsapp input').fill(SITI.whatsapp);
      const sale = await sell(page, DAY);
      soldToSiti = sale.code;
      assert.match(sale.code, /^[A-Z0-9]{6,}$/);
      assert.match(await text(sale.sale.locator('.sale-plan')), new RegExp(DAY));
      // The sale shows below the plans and is brought into view.
      const code = await sale.sale.locator('.sale-code').boundingBox();
      assert.ok(code.y >= 0 && code.y + code.height <= PHONE.height, `the code is in view (${JSON.stringify(code)})`);
      assert.equal(await decodeQr(sale.sale.locator('.sale-qr')), loginUrl(sale.code), 'the QR code decodes');
      assert.ok((await documentWidth(page)) <= PHONE.width, 'the sale does not widen the page');
      assert.equal(await page.evaluate(() => window.__prints), 0, 'auto-print is off on a new device');
      // What the cashier sees after the tap.
      await screenshot(page, 'sales-phone-sold', { fullPage: false });
    },
    { deviceScaleFactor: 2 },
  ));

test('before the WASM arrives the plan tiles are visibly disabled, and a tap on one sells nothing', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(TABLET, async (page) => {
    await watchSales(page);
    await login(page, CASHIER.username, CASHIER.password);
    // The next load of the sales screen gets its WASM only when the test lets it through: the
    // page stays as the server rendered it, as on a slow phone.
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    await page.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/pos');
    const dayTile = tile(page, DAY);
    await dayTile.waitFor();
    assert.equal(await page.locator('body[data-hydrated="true"]').count(), 0, 'not hydrated yet');
    assert.ok(await dayTile.isDisabled(), 'the tile is disabled until the page can sell');
    assert.equal(await page.locator('.plan-tiles').getAttribute('aria-busy'), 'true');
    assert.equal(await text(page.locator('.pos-hint')), 'Menyiapkan layar kasir…', 'the screen says it is getting ready');
    await screenshot(page, 'sales-tablet-before-hydration', { fullPage: false });
    await dayTile.tap({ force: true });
    // Each tile says its stock, and the validity only where its name does not already say it.
    for (const planTile of await page.locator('.plan-tile').all()) {
      const name = (await text(planTile.locator('.tile-name'))).toLowerCase();
      const meta = (await text(planTile.locator('.tile-meta'))).toLowerCase();
      assert.ok(!meta || !name.includes(meta), `"${name}" does not repeat "${meta}"`);
      assert.match(await text(planTile.locator('.tile-stock')), /^(Stok \d+|Dibuat saat dijual)$/);
    }

    release();
    await waitForHydration(page);
    await page.locator('.plan-tile:not([disabled])').first().waitFor();
    assert.equal(await page.locator('.plan-tiles').getAttribute('aria-busy'), null);
    assert.equal(await text(page.locator('.pos-hint')), 'Ketuk paket untuk menjual satu voucher.');
    assert.deepEqual(await page.evaluate(() => window.__sells), { sent: 0, answered: 0 }, 'the early tap sold nothing');
    assert.equal(await page.locator('.sale').count(), 0);
    const sale = await sell(page, DAY);
    assert.match(sale.code, /^[A-Z0-9]{6,}$/, 'once ready, a tap sells');
  }));

test('a customer finds the voucher sold to her number in the portal, on a phone', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page) => {
    assert.ok(soldToSiti, 'the sale on a phone sold her a voucher');
    await login(page, SITI.email, SITI.password);
    const voucher = page.locator(`.my-voucher[data-code="${soldToSiti}"]`);
    await voucher.waitFor();
    assert.match(await text(voucher), new RegExp(DAY));
    assert.ok((await documentWidth(page)) <= PHONE.width);
    await screenshot(page, 'portal-vouchers-phone');
  }));

test('printed sheets hold their vouchers from the counter, never print sold ones, and carry QR codes that decode to the login URL', { timeout: TEST_TIMEOUT_MS }, async () => {
  // A plan of its own with ten vouchers in stock, two of them sold at the counter.
  const week = `Minggu ${run}`;
  planIds[week] = (await addPlan(week, 20_000, '7d')).id;
  const stock = await makeStock(adminToken, planIds[week], 10);
  const sold = [await sellByApi(week), await sellByApi(week)];
  const soldCodes = sold.map((s) => s.code);

  await withBrowser(
    DESKTOP,
    async (page) => {
      await login(page, ADMIN.username, ADMIN.password);
      await visit(page, '/admin/vouchers');
      await page.locator(`tr[data-batch="${stock}"] a[data-print="a4"]`).click();
      await page.waitForURL(/\/print\/vouchers\?batch=/);
      assert.equal(await page.locator('[data-printable]').getAttribute('data-printable'), '8', 'the unsold eight');
      await screenshot(page, 'sheet-open');
      await page.locator('button[data-open-sheet]').click();
      await page.waitForURL(/\/print\/sheets\/[0-9]+\?layout=a4/);
      const sheetPath = pathOf(page).split('?')[0];
      await page.locator('.voucher-card').first().waitFor();
      const cards = page.locator('.sheet-a4 .voucher-card');
      const onSheet = await cards.evaluateAll((all) => all.map((c) => c.dataset.code));
      assert.equal(onSheet.length, 8, 'the batch without its sold vouchers');
      for (const code of soldCodes) assert.ok(!onSheet.includes(code), `sold ${code} is not printed`);
      for (const sheetPage of await page.locator('.sheet-page').all()) {
        assert.ok((await sheetPage.locator('.voucher-card').count()) <= 40, 'at most 40 on an A4 page');
      }
      assert.equal(await page.locator('[data-sheet-state]').getAttribute('data-sheet-state'), 'open');
      await screenshot(page, 'sheet-held', { fullPage: false });

      // While the sheet is open the counter does not sell its vouchers.
      const whilePrinting = await sellByApi(week);
      assert.ok(!onSheet.includes(whilePrinting.code), 'the counter sells none of the sheet');

      await page.emulateMedia({ media: 'print' });
      assert.ok(!(await page.locator('.print-toolbar').isVisible()), 'the toolbar is not printed');
      assert.ok(!(await page.locator('.sheet-status').isVisible()), 'nor the sheet\'s buttons');
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

      // It printed: confirmed, the vouchers are printed for good.
      await page.emulateMedia({ media: 'screen' });
      await page.locator('button[data-confirm-print]').click();
      await page.locator('[data-sheet-state="printed"]').waitFor();
      assert.equal(pathOf(page).split('?')[0], sheetPath);
      assert.equal(await page.locator('.voucher-card').count(), 0, 'a printed sheet is not printed again by itself');
      // The paper jammed: the same sheet printed again is its own (audited) action.
      await page.locator('button[data-reprint-sheet]').click();
      await page.locator('[data-reprinting]').waitFor();
      await page.locator('.voucher-card').first().waitFor();
      assert.equal(await page.locator('.voucher-card').count(), 8, 'the same eight vouchers');
      await screenshot(page, 'sheet-reprint');

      // The voucher list tells the sold vouchers of the batch from the printed ones.
      await visit(page, `/admin/vouchers?batch=${stock}`);
      await page.locator('.vouchers-table tr[data-voucher]').first().waitFor();
      const soldRows = await page
        .locator('.vouchers-table tr[data-voucher]:has([data-sold])')
        .evaluateAll((rows) => rows.map((row) => row.dataset.voucher).sort());
      assert.deepEqual(soldRows, [...soldCodes].sort(), 'the two vouchers sold from this stock');
      assert.equal(await page.locator('.vouchers-table [data-printed]').count(), 8, 'the rest is marked printed');

      // A printed voucher never goes on a new sheet: the batch has nothing left to print.
      await visit(page, `/print/vouchers?batch=${stock}`);
      await page.locator('[data-printable="0"]').waitFor();
      assert.equal(await page.locator('button[data-open-sheet]').count(), 0, 'nothing of the batch to print');

      // A selection from the voucher list (vouchers never printed): an open sheet, listed on the
      // voucher page until it is released.
      await visit(page, '/admin/vouchers');
      await page.locator('.vouchers-table tr[data-voucher]').first().waitFor();
      const chosen = [];
      for (const row of (await page.locator('.vouchers-table tr[data-voucher]:not(:has([data-sold])):not(:has([data-printed]))').all()).slice(0, 2)) {
        await row.locator('input[type="checkbox"][name="id"]').check();
        chosen.push(await row.getAttribute('data-voucher'));
      }
      await page.locator('#print-selection button[type="submit"]').click();
      await page.waitForURL(/\/print\/vouchers\?/);
      await page.locator('button[data-open-sheet]').click();
      await page.waitForURL(/\/print\/sheets\//);
      await page.locator('.voucher-card').first().waitFor();
      const printed = await page.locator('.voucher-card').evaluateAll((cards) => cards.map((c) => c.dataset.code));
      assert.deepEqual([...printed].sort(), [...chosen].sort(), 'the chosen vouchers and no others');
      const selectionSheet = pathOf(page).split('?')[0].split('/').pop();
      await visit(page, '/admin/vouchers');
      await page.locator(`[data-open-sheets] a[data-sheet="${selectionSheet}"]`).click();
      await page.waitForURL(`**/print/sheets/${selectionSheet}`);
      await page.locator('button[data-release-sheet]').click();
      await page.locator('[data-sheet-state="released"]').waitFor();
    },
    { deviceScaleFactor: 2 },
  );
});

test('the sales report adds up and exports CSV', { timeout: TEST_TIMEOUT_MS }, async () => {
  const sold = [await sellByApi(HOURS), await sellByApi(DAY)];
  // The period of the report: today and, should the business's midnight have passed since the
  // sales, yesterday.
  const { date: today } = await api('GET', '/api/v2/sales/today', undefined, adminToken);
  const from = dayBefore(today);
  const report = await api('GET', `/api/v2/reports/sales?from=${from}&to=${today}`, undefined, adminToken);

  await withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    // The dashboard shows today's sales and leads to the report.
    const soldToday = page.locator('[data-stat="sold-today"]');
    assert.match(await text(soldToday), /^[0-9]+$/);
    assert.match(await text(page.locator('[data-stat="revenue-today"]')), /^Rp [0-9.]+$/);
    await page.locator('a.stat-link', { has: soldToday }).click();
    await page.waitForURL('**/admin/reports');
    await page.locator('[data-stat="count"]').waitFor();

    await visit(page, `/admin/reports?from=${from}&to=${today}`);
    await page.locator('[data-stat="count"]').waitFor();
    // The period's fields show their dates day first, like the tables.
    const dayFirst = (iso) => iso.split('-').reverse().join('-');
    assert.equal(await page.locator('input[name="from"]').inputValue(), dayFirst(from));
    assert.equal(await page.locator('input[name="to"]').inputValue(), dayFirst(today));
    const count = Number(await text(page.locator('[data-stat="count"] .stat-value')));
    const revenue = rupiah(await text(page.locator('[data-stat="revenue"] .stat-value')));
    assert.deepEqual({ count, revenue }, { count: report.count, revenue: report.revenue }, 'the page shows the report');
    assert.ok(count >= sold.length, `the period holds the sales just made (${count})`);
    for (const group of ['day', 'plan', 'cashier', 'router']) {
      const table = page.locator(`[data-group="${group}"]`);
      assert.equal(Number(await text(table.locator('[data-total="count"]'))), count, `${group} count`);
      assert.equal(rupiah(await text(table.locator('[data-total="revenue"]'))), revenue, `${group} revenue`);
    }
    const hours = report.by_plan.find((p) => p.id === planIds[HOURS]);
    const hoursRow = page.locator('[data-group="plan"] tbody tr', { hasText: HOURS });
    assert.deepEqual(
      (await hoursRow.locator('td.num').allInnerTexts()).map(rupiah),
      [hours.count, hours.revenue],
      `the row of ${HOURS}`,
    );
    assert.ok(await page.locator('.chart-svg svg rect').count() > 1, 'the chart has bars');
    await screenshot(page, 'sales-report');

    const csvHref = await page.locator('a[href*="/api/v2/reports/sales.csv"]').getAttribute('href');
    const response = await page.request.get(csvHref);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /text\/csv/);
    const [, ...rows] = parseCsv((await response.text()).trim());
    assert.equal(rows.length, count, 'one line per sale');
    assert.equal(rows.reduce((total, row) => total + Number(row[6]), 0), revenue);
    for (const sale of sold) {
      const row = rows.find((r) => r[0] === String(sale.id));
      assert.ok(row, `sale ${sale.id} is in the CSV`);
      assert.deepEqual([row[3], row[5], Number(row[6])], [sale.plan.name, sale.code, sale.price]);
    }
  });
});

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

test('an admin moves a plan on the sales screen, and the tiles keep that order', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/plans');
    const list = page.locator('.sales-order-list');
    await list.waitFor();
    const order = () => list.locator('li').evaluateAll((items) => items.map((li) => li.dataset.planId));
    const before = await order();
    const id = String(planIds[HOURS]);
    const at = before.indexOf(id);
    assert.ok(at >= 0, 'the plans on sale are listed');
    const direction = at === 0 ? 'later' : 'earlier';
    await list.locator(`li[data-plan-id="${id}"] button[data-move="${direction}"]`).click();
    const expected = [...before];
    const to = direction === 'later' ? at + 1 : at - 1;
    [expected[at], expected[to]] = [expected[to], expected[at]];
    await until('the list shows the new order', async () => JSON.stringify(await order()) === JSON.stringify(expected));
    await screenshot(page, 'plans-sales-order');

    // The sales screen shows the tiles in that order, and again after a reload.
    await visit(page, '/pos');
    await page.locator('.plan-tile').first().waitFor();
    const tiles = () => page.locator('.plan-tile').evaluateAll((items) => items.map((b) => b.dataset.planId));
    assert.deepEqual(await tiles(), expected);
  });
});
