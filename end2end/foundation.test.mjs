// The foundation in a real browser: logins for every role land on their own pages, the pages are
// hydrated (the language switch works in place), the phone layouts hold, registration works end
// to end, role checks and logout hold.
//
// Runs against the app at BASE_URL with the demo accounts seeded. The database persists between
// runs, so registration uses a fresh WhatsApp number and email every time. Each run records one
// failed login (the wrong-password test); the server blocks an address after 25 failures in
// 15 minutes, so do not loop the suite more often than that.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  TABLET,
  documentWidth,
  failedRequest,
  login,
  pathOf,
  screenshot,
  submitLogin,
  until,
  visit,
  waitForHydration,
  withBrowser,
} from './support.mjs';

const TEST_TIMEOUT_MS = 60_000;

const ADMIN = { username: 'admin', password: 'admin12345', name: 'Admin Demo' };
const CASHIER = { username: 'kasir', password: 'kasir12345' };
const BUDI = { whatsapp: '081234567801', password: 'budi12345', name: 'Budi Santoso' };
const SITI = { email: 'siti@example.com', password: 'siti12345', name: 'Siti Rahayu' };
const AGUS = { email: 'agus@example.com', password: 'agus12345', name: 'Agus Wijaya' };

// Every admin menu entry, in order, with its Indonesian label. The sections still to come
// (payments, WhatsApp, backups, settings, audit log) stay out of the menu until they exist.
const ADMIN_NAV = [
  ['/admin', 'Dasbor'],
  ['/admin/customers', 'Pelanggan'],
  ['/admin/subscriptions', 'Langganan'],
  ['/admin/routers', 'Router'],
  ['/admin/plans', 'Paket'],
  ['/admin/vouchers', 'Voucher'],
  ['/admin/invoices', 'Tagihan'],
  ['/admin/reports', 'Laporan'],
  ['/admin/staff', 'Staf'],
  ['/pos', 'Kasir'],
];

const text = async (locator) => (await locator.innerText()).trim();

// A control is tappable when a tap on its centre reaches it, not a neighbour drawn over it or a
// parent that clips it away.
async function assertTappable(locator, label) {
  const reached = await locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return { ok: element.contains(hit), hit: hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : 'nothing' };
  });
  assert.ok(reached.ok, `${label}: a tap on it lands on ${reached.hit}`);
}

async function assertFitsWidth(page, viewport) {
  const width = await documentWidth(page);
  assert.ok(width <= viewport.width, `${pathOf(page)} is ${width}px wide on a ${viewport.width}px screen`);
}

test('admin logs in on a desktop and sees the dashboard shell', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page, browser) => {
    await login(page, ADMIN.username, ADMIN.password);
    assert.equal(pathOf(page), '/admin');

    await page.locator('.topbar').waitFor();
    assert.equal(await text(page.locator('h1')), `Selamat datang, ${ADMIN.name}`);

    const nav = page.locator('#admin-nav');
    assert.ok(await nav.isVisible(), 'the sidebar is always visible on a desktop');
    assert.ok(!(await page.locator('.menu-toggle').isVisible()), 'no menu button on a desktop');
    const links = await nav.locator('a').evaluateAll((anchors) =>
      anchors.map((a) => [a.getAttribute('href'), a.textContent.trim()]),
    );
    assert.deepEqual(links, ADMIN_NAV);
    assert.equal(await nav.locator('a[aria-current="page"]').getAttribute('href'), '/admin');
    // Each tab names its page: the section, then the app.
    assert.equal(await page.title(), 'Dasbor · Mikrotik Billing');
    await nav.locator('a[href="/admin/invoices"]').click();
    await page.waitForURL(/\/admin\/invoices$/);
    await page.waitForFunction(() => document.title === 'Tagihan · Mikrotik Billing');
    await nav.locator('a[href="/admin"]').click();
    await page.waitForURL(/\/admin$/);

    assert.equal(await page.locator('.stat').count(), 5, 'customers, staff, balances, and today\'s sales and revenue');
    const customers = Number(await text(page.locator('[data-stat="customers"]')));
    assert.ok(customers >= 3, `the three demo customers are counted, got ${customers}`);

    const health = page.locator('section.card', { hasText: 'Kesehatan sistem' });
    assert.equal(await text(health.locator('.badge')), 'Sehat');
    // Each check by its translated name, its latency's number and unit on one line.
    for (const [check, label] of [['database', 'Basis data'], ['redis', 'Redis']]) {
      const row = health.locator(`tr[data-check="${check}"]`);
      assert.equal(await row.count(), 1, `a health row for ${check}`);
      assert.equal(await text(row.locator('th')), label);
      assert.equal(await row.locator('.dot-ok').count(), 1, `${check} is healthy`);
      assert.match(await text(row.locator('td.numeric')), /^\d+\.\d\u00a0ms$/);
    }
    assert.equal(await text(page.locator('.user-box .user-name')), ADMIN.name);

    await screenshot(page, 'admin-dashboard-desktop');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  }),
);

test('the language switch changes the login page in place, without a reload', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page, browser) => {
    await visit(page, '/login');
    const heading = page.locator('h1');
    assert.equal(await text(heading), 'Masuk');

    // A document load would wipe this marker and fire `load` again.
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    let loads = 0;
    page.on('load', () => loads++);

    await page.locator('button[data-locale="en"]').click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent.trim() === 'Log in');
    assert.equal(await page.locator('button[data-locale="en"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('button[data-locale="id"]').getAttribute('aria-pressed'), 'false');
    assert.equal(await text(page.locator('form button[type="submit"]')), 'Log in');
    await screenshot(page, 'login-english-desktop');

    await page.locator('button[data-locale="id"]').click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent.trim() === 'Masuk');
    assert.equal(await page.locator('button[data-locale="id"]').getAttribute('aria-pressed'), 'true');

    assert.equal(pathOf(page), '/login');
    assert.equal(loads, 0, 'no new document was loaded');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'still the same document');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  }),
);

test('the chosen language is remembered across page loads', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page) => {
    await visit(page, '/login');
    await page.locator('button[data-locale="en"]').click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent.trim() === 'Log in');

    // The server renders the language kept in the cookie, before any WASM runs.
    const html = await (await page.request.get('/register')).text();
    assert.match(html, /<h1>Customer registration/);

    await visit(page, '/register');
    assert.equal(await text(page.locator('h1')), 'Customer registration');
    assert.equal(await page.locator('button[data-locale="en"]').getAttribute('aria-pressed'), 'true');
  }),
);

test('a customer logs in with a WhatsApp number on a phone and sees the portal', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page, browser) => {
    await visit(page, '/login');
    await assertFitsWidth(page, PHONE);
    await screenshot(page, 'login-phone');

    await submitLogin(page, BUDI.whatsapp, BUDI.password);
    await page.waitForURL('**/portal');
    await waitForHydration(page);

    assert.equal(await text(page.locator('h1')), `Halo, ${BUDI.name}`);
    assert.equal(await text(page.locator('.balance')), 'Rp 0');
    assert.equal(await page.locator('.balance').getAttribute('data-balance'), '0');
    // His own number, however it is formatted for reading.
    const whatsapp = await text(page.locator('.details dd').first());
    assert.equal(whatsapp.replace(/\D/g, ''), '6281234567801', `shown as ${whatsapp}`);
    // His invoices, newest first: this month's to pay, last month's paid.
    const invoices = page.locator('.invoice-item');
    await invoices.first().waitFor();
    assert.equal(await invoices.count(), 2);
    assert.equal(await text(invoices.nth(0).locator('.badge')), 'Belum dibayar');
    assert.match(await text(invoices.nth(0)), /Jatuh tempo \d{2}-\d{2}-\d{4}/);
    assert.equal(await text(invoices.nth(1).locator('.badge')), 'Lunas');
    await assertFitsWidth(page, PHONE);

    await screenshot(page, 'portal-phone');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  }),
);

test('a customer who paid in part sees the rest carried onto the next invoice, on a phone', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page, browser) => {
    await login(page, AGUS.email, AGUS.password);
    assert.equal(pathOf(page), '/portal');
    const invoices = page.locator('.invoice-item');
    await invoices.first().waitFor();
    const [current, last] = [invoices.nth(0), invoices.nth(1)];
    assert.equal(await text(last.locator('.badge')), 'Dibayar sebagian');
    const lastNumber = await text(last.locator('.mono'));
    // The carried line names the partly paid invoice.
    assert.match(await text(current.locator('.invoice-lines')), new RegExp(`Kekurangan dari ${lastNumber}`));
    const history = page.locator('.ledger-item');
    assert.equal(await history.count(), 2);
    assert.match(await text(history.nth(0)), new RegExp(`Kekurangan ditagihkan di ${await text(current.locator('.mono'))}`));
    assert.match(await text(history.nth(1)), new RegExp(`Kekurangan bayar ${lastNumber}`));
    assert.equal(await text(page.locator('.balance')), 'Rp 0');
    await assertFitsWidth(page, PHONE);
    await screenshot(page, 'portal-carried-phone');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  }),
);

test('on a phone the admin menu opens from the menu button and its links navigate', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page, browser) => {
    await login(page, ADMIN.username, ADMIN.password);
    assert.equal(pathOf(page), '/admin');
    await page.locator('h1').waitFor();
    await assertFitsWidth(page, PHONE);
    await screenshot(page, 'admin-dashboard-phone');

    const toggle = page.locator('.menu-toggle');
    const nav = page.locator('#admin-nav');
    assert.ok(await toggle.isVisible(), 'the menu button is shown on a phone');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.ok(!(await nav.isVisible()), 'the menu starts closed');

    await toggle.tap();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await nav.waitFor({ state: 'visible' });
    await screenshot(page, 'admin-menu-open-phone');

    await nav.getByRole('link', { name: 'Laporan', exact: true }).tap();
    await page.waitForURL('**/admin/reports');
    assert.equal(await text(page.locator('h1')), 'Laporan penjualan');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'choosing a link closes the menu');
    await nav.waitFor({ state: 'hidden' });
    await assertFitsWidth(page, PHONE);
    await screenshot(page, 'admin-section-phone');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  }),
);

for (const [role, user, layout] of [
  ['admin', ADMIN, 'admin'],
  ['cashier', CASHIER, 'pos'],
  ['customer', { username: SITI.email, password: SITI.password }, 'portal'],
]) {
  test(`every top-bar control of the ${role}'s pages can be tapped on a phone`, { timeout: TEST_TIMEOUT_MS }, () =>
    withBrowser(PHONE, async (page) => {
      await login(page, user.username, user.password);
      await screenshot(page, `${layout}-topbar-phone`);
      const controls = page.locator('.topbar').locator('button:visible, a:visible');
      assert.ok((await controls.count()) >= 4, 'brand, two languages and logout at least');
      for (const control of await controls.all()) {
        await assertTappable(control, `${(await control.innerText()).trim() || 'menu'} on /${layout}`);
      }
      await assertFitsWidth(page, PHONE);
    }),
  );
}

test('admin sections show a coming-soon card on a tablet', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(TABLET, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/whatsapp');
    assert.equal(await text(page.locator('h1')), 'WhatsApp');
    assert.equal(await text(page.locator('.empty-state h2')), 'Segera hadir');
    await assertFitsWidth(page, TABLET);
    await screenshot(page, 'admin-section-tablet');
  }),
);

test('a wrong password shows the translated error and stays on the login page', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page, browser) => {
    browser.allowConsole(failedRequest(401));
    await visit(page, '/login');
    assert.equal(await page.title(), 'Masuk · Mikrotik Billing', 'the page title is in the served HTML');
    await submitLogin(page, SITI.email, 'not-her-password');

    const error = page.locator('.form-error');
    await error.waitFor();
    assert.equal(await text(error), 'Nama pengguna atau kata sandi salah.');
    assert.equal(pathOf(page), '/login');
    await screenshot(page, 'login-wrong-password-desktop');

    // The right password still works afterwards (and resets her failure count).
    await submitLogin(page, SITI.email, SITI.password);
    await page.waitForURL('**/portal');
    assert.equal(await text(page.locator('h1')), `Halo, ${SITI.name}`);
  }),
);

test('a new customer registers on a phone and then logs in', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page, browser) => {
    // Unique per run: the database keeps earlier runs' customers.
    const subscriber = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const customer = {
      name: `Pelanggan Uji ${subscriber}`,
      whatsapp: `0812${subscriber}`,
      email: `uji-${subscriber}-${Date.now()}@example.com`,
      password: 'rahasia-uji-123',
    };

    await visit(page, '/register');
    await assertFitsWidth(page, PHONE);
    await page.locator('input[name="name"]').fill(customer.name);
    await page.locator('input[name="whatsapp"]').fill('021 555 1234');
    await page.locator('input[name="email"]').fill(customer.email);
    await page.locator('input[name="password"]').fill(customer.password);
    await page.locator('form button[type="submit"]').tap();

    // The form itself says what is wrong, under the field, before anything is sent.
    const problem = page.locator('[data-problem="whatsapp"]');
    await problem.getByText('Masukkan nomor HP Indonesia, misalnya 0812 3456 7890.').waitFor();
    assert.equal(await page.locator('input[name="whatsapp"]').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('input[name="email"]').getAttribute('aria-invalid'), 'false');
    assert.equal(pathOf(page), '/register');
    await assertFitsWidth(page, PHONE);
    await screenshot(page, 'register-invalid-whatsapp-phone');

    await page.locator('input[name="whatsapp"]').fill(customer.whatsapp);
    await page.locator('form button[type="submit"]').tap();
    await page.waitForURL('**/login?registered=1');
    await waitForHydration(page);
    assert.equal(await text(page.locator('.notice')), 'Pendaftaran berhasil. Silakan masuk.');
    await screenshot(page, 'login-registered-phone');

    await submitLogin(page, customer.email, customer.password);
    await page.waitForURL('**/portal');
    assert.equal(await text(page.locator('h1')), `Halo, ${customer.name}`);
    assert.equal(await text(page.locator('.balance')), 'Rp 0');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  }),
);

test('the cashier lands on the point of sale and is refused the admin console', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(TABLET, async (page, browser) => {
    await login(page, CASHIER.username, CASHIER.password);
    assert.equal(pathOf(page), '/pos');
    assert.equal(await text(page.locator('h1')), 'Penjualan voucher');
    await screenshot(page, 'pos-tablet');

    browser.allowConsole(failedRequest(403));
    const response = await page.goto('/admin');
    assert.equal(pathOf(page), '/forbidden');
    assert.equal(response.status(), 403);
    assert.equal(await text(page.locator('h1')), 'Akses ditolak');
    await screenshot(page, 'forbidden-tablet');
  }),
);

test('logging out ends the session', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page, browser) => {
    await login(page, ADMIN.username, ADMIN.password);
    assert.equal(pathOf(page), '/admin');
    const loggedInCookies = await browser.context.cookies();

    await page.locator('.user-box').getByRole('button', { name: 'Keluar' }).click();
    await page.waitForURL('**/login');

    await page.goto('/admin');
    assert.equal(pathOf(page), '/login', 'the admin console asks for a login again');

    // The session is revoked on the server, not just forgotten by this browser.
    await browser.context.clearCookies();
    await browser.context.addCookies(loggedInCookies);
    await page.goto('/admin');
    assert.equal(pathOf(page), '/login', 'the old session cookie no longer works');
  }),
);

test('an admin logs the cashier out everywhere from the staff page', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(TABLET, async (till) => {
    await login(till, CASHIER.username, CASHIER.password);
    assert.equal(pathOf(till), '/pos');

    await withBrowser(DESKTOP, async (page) => {
      await login(page, ADMIN.username, ADMIN.password);
      await visit(page, '/admin/staff');
      assert.equal(await text(page.locator('h1')), 'Staf');
      const card = page.locator('[data-staff="kasir"]');
      await card.locator('.session-list li').first().waitFor();
      assert.match(await text(card.locator('h3')), /^Sedang masuk: [1-9]\d* sesi$/);
      await screenshot(page, 'staff-desktop');

      await card.getByRole('button', { name: 'Keluarkan dari semua perangkat' }).click();
      await card.getByText('Tidak sedang masuk di mana pun.').waitFor();
      assert.equal(await text(card.locator('h3')), 'Sedang masuk: 0 sesi');
    });

    // The till's next page asks for a login again.
    await till.goto('/pos');
    assert.equal(pathOf(till), '/login');
  }),
);

test('the WASM is sent compressed and cached for a year; pages are not cached', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await fetch(`${BASE_URL}/login`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cache-control'), 'no-cache', 'pages are asked for again every time');
  assert.equal(page.headers.get('content-encoding'), 'br', 'the page is compressed');
  const html = await page.text();
  const wasm = html.match(/href="([^"]+\.wasm)"/)?.[1];
  assert.ok(wasm, 'the page preloads its WASM');
  assert.match(wasm, /^\/pkg\/mikrotik_billing\.[A-Za-z0-9_-]{22}\.wasm$/, 'named by its content');
  // The server compresses a development build's files once, when it starts.
  let answer;
  await until('the WASM is sent with brotli', async () => {
    answer = await fetch(`${BASE_URL}${wasm}`, { method: 'HEAD', headers: { 'accept-encoding': 'br, gzip' } });
    return answer.headers.get('content-encoding') === 'br';
  }, { timeout: 30_000 });
  assert.equal(answer.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(answer.headers.get('content-type'), 'application/wasm');
  const gzip = await fetch(`${BASE_URL}${wasm}`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gzip.headers.get('content-encoding'), 'gzip');
});
