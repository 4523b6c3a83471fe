// The rough edges of a walk-through at phone, tablet and desktop sizes, each held in place: the
// voucher list counts, pages and filters with clean addresses, and on a phone puts the list first
// with its batch form behind a button and targets big enough to tap; the header's brand fits;
// the registration form speaks the page's language and forgets a mistake once it is fixed;
// dates, durations and latencies read the same on every page; the report's chart stays readable
// on a phone; the customer pages follow the language switch. Every test also fails when a page
// logs a console warning (support.mjs).
//
// Runs against the app at BASE_URL with the demo accounts seeded and its background worker
// running. The tests start a RouterOS simulator of their own and, through the REST API, register
// it with a plan and a batch of 60 vouchers: more than one page of the list.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  DESKTOP,
  PHONE,
  api,
  apiToken,
  documentWidth,
  failedRequest,
  login,
  makeStock,
  pathOf,
  screenshot,
  startSimulator,
  visit,
  withBrowser,
} from './support.mjs';

const TEST_TIMEOUT_MS = 90_000;
const ADMIN = { username: 'admin', password: 'admin12345' };
const SITI = { email: 'siti@example.com' };
const run = String(randomInt(0, 1_000_000)).padStart(6, '0');
const BATCH_SIZE = 60;
/** The list's page size (app/src/pages/vouchers/server.rs). */
const PAGE_SIZE = 50;

let simulator;
let batch;

after(() => simulator?.stop());

before(async () => {
  simulator = await startSimulator({ password: 'polish-router' });
  const token = await apiToken(ADMIN);
  const router = await api(
    'POST',
    '/api/v2/routers',
    {
      name: `Rapi Uji ${run}`,
      host: simulator.host,
      port: simulator.port,
      username: simulator.username,
      password: simulator.password,
    },
    token,
  );
  const plan = await api(
    'POST',
    '/api/v2/plans',
    { router_id: router.id, name: `Rapi ${run}`, price: 2_000, validity: '1d', profile: 'default' },
    token,
  );
  batch = await makeStock(token, plan.id, BATCH_SIZE);
});

const text = async (locator) => (await locator.innerText()).trim();

/** Fails unless `locator`'s box is at least 44×44 px: a target a finger can tap. */
async function assertTappable(locator, what) {
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is shown`);
  assert.ok(box.width >= 44 && box.height >= 44, `${what} is ${box.width}×${box.height}px`);
}

test('the voucher list counts its vouchers, pages by number or "load more", and filters with a clean address', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, `/admin/vouchers?batch=${batch}`);
    const count = page.locator('.list-count');
    await count.waitFor();
    assert.equal(await count.getAttribute('data-total'), String(BATCH_SIZE));
    assert.equal(await text(count), `Menampilkan ${PAGE_SIZE} dari ${BATCH_SIZE} voucher`);
    const pager = page.locator('nav.pager');
    assert.deepEqual(await pager.locator('a').allInnerTexts(), ['1', '2']);
    assert.equal(await pager.locator('a[aria-current="page"]').innerText(), '1');
    const firstPage = await page.locator('.vouchers-table tbody th.code').allInnerTexts();

    await pager.getByRole('link', { name: 'Halaman 2' }).click();
    await page.waitForURL(new RegExp(`/admin/vouchers\\?batch=${batch}&page=2$`));
    await page.locator(`.list-count[data-shown="${BATCH_SIZE - PAGE_SIZE}"]`).waitFor();
    assert.equal(await pager.locator('a[aria-current="page"]').innerText(), '2');
    const secondPage = await page.locator('.vouchers-table tbody th.code').allInnerTexts();
    assert.equal(secondPage.length, BATCH_SIZE - PAGE_SIZE);
    assert.deepEqual(secondPage.filter((code) => firstPage.includes(code)), [], 'page 2 holds other vouchers');

    // "Load more" appends the next page to the first instead.
    await pager.getByRole('link', { name: 'Halaman 1' }).click();
    await page.locator(`.list-count[data-shown="${PAGE_SIZE}"]`).waitFor();
    await page.locator('.load-more button').click();
    await page.locator(`.list-count[data-shown="${BATCH_SIZE}"]`).waitFor();

    // The filter form's address names the filters that are set, and nothing else.
    const filters = page.locator('form.filters');
    await filters.locator('select[name="status"]').selectOption('created');
    await filters.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'created');
    assert.equal(pathOf(page), `/admin/vouchers?batch=${batch}&status=created`);
    await page.locator(`.list-count[data-total="${BATCH_SIZE}"]`).waitFor();
    await screenshot(page, 'polish-vouchers-desktop');
  }),
);

test('on a phone the voucher list comes first, the batch form opens from its button, and every control is big enough to tap', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    // The brand in the header shows whole.
    const brand = page.locator('.topbar .brand');
    const cut = await brand.evaluate((el) => el.scrollWidth > el.clientWidth);
    assert.equal(cut, false, 'the brand is not cut short');
    assert.equal((await brand.innerText()).replace(/\s+/g, ' ').trim(), 'Mikrotik Billing');

    // The dashboard's latencies keep their number and unit on one line.
    const latency = page.locator('tr[data-check="database"] td.numeric');
    const lines = await latency.evaluate((cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    });
    assert.equal(lines, 1, 'the latency takes one line');
    assert.match(await text(latency), /^\d+\.\d\u00a0ms$/);

    await visit(page, `/admin/vouchers?batch=${batch}`);
    await page.locator('.vouchers-table').waitFor();
    const form = page.locator('form:has(select[name="plan_id"])');
    assert.ok(!(await form.isVisible()), 'the batch form waits behind its button');
    const listTop = (await page.locator('.vouchers-table').boundingBox()).y;
    const batchesTop = (await page.locator('.batches-table').boundingBox()).y;
    assert.ok(listTop < batchesTop, 'the list comes before the recent batches');
    assert.ok(listTop < 1_200, `the list starts near the top (${listTop}px)`);

    await assertTappable(page.locator('.vouchers-table .tap-target').first(), "a voucher's checkbox");
    await assertTappable(page.locator(`.batches-table tr[data-batch="${batch}"] a.tap-target`), "a batch's link");
    await assertTappable(page.locator('nav.pager a').first(), 'a page link');
    await assertTappable(page.locator('.batch-live a[data-print-batch="a4"]'), 'print this batch');
    assert.ok((await documentWidth(page)) <= PHONE.width, 'the page fits the phone');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'polish-vouchers-phone');

    await page.locator('.batch-new > summary').tap();
    await form.waitFor();
    assert.ok((await documentWidth(page)) <= PHONE.width, 'the open form fits the phone');
    await screenshot(page, 'polish-vouchers-form-phone', { fullPage: false });
  }),
);

test('the registration form says what is wrong in the page language, under the field, until it is fixed', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page, browser) => {
    // The server refuses the registrations below whose email is already registered.
    browser.allowConsole(failedRequest(422));
    await visit(page, '/register');
    const form = page.locator('form');
    assert.equal(await form.getAttribute('novalidate'), '', "the browser's own messages stay quiet");
    const problem = (field) => page.locator(`[data-problem="${field}"]`);
    const field = (name) => page.locator(`input[name="${name}"]`);
    const submit = () => page.locator('form button[type="submit"]').tap();

    await submit();
    await problem('name').getByText('Nama wajib diisi.').waitFor();
    assert.equal(await text(problem('whatsapp')), 'Masukkan nomor HP Indonesia, misalnya 0812 3456 7890.');
    assert.equal(await text(problem('email')), 'Alamat email tidak valid.');
    assert.equal(await text(problem('password')), 'Kata sandi minimal 8 karakter.');
    assert.equal(pathOf(page), '/register');
    await screenshot(page, 'polish-register-empty-phone');

    // The hint says which characters a number may hold; editing the field takes its mark away.
    await field('name').fill(`Pelanggan Rapi ${run}`);
    await field('whatsapp').fill('0812/3456/7890');
    await field('email').fill(SITI.email);
    await field('password').fill('rahasia-uji-123');
    await submit();
    await problem('whatsapp')
      .getByText('Nomor WhatsApp hanya boleh berisi angka, spasi, tanda hubung (-), titik, tanda kurung, dan + di depan.')
      .waitFor();
    assert.equal(await field('whatsapp').getAttribute('aria-invalid'), 'true');
    assert.equal(await text(problem('name')), '', 'the fixed name has no message left');
    await field('whatsapp').fill(`(0812) 77.${run.slice(0, 3)}-${run.slice(3)}`);
    assert.equal(await field('whatsapp').getAttribute('aria-invalid'), 'false');
    assert.equal(await text(problem('whatsapp')), '');

    // Only the server knows the email is taken: its message stands until the form is edited...
    await submit();
    const refusal = page.locator('.form-error');
    await refusal.getByText(/tidak bisa didaftarkan lagi/).waitFor();
    await field('email').fill(`rapi-${run}@example.com`);
    await refusal.waitFor({ state: 'detached' });
    // ...or until the form finds another mistake.
    await field('email').fill(SITI.email);
    await submit();
    await refusal.waitFor();
    await field('password').evaluate((input) => {
      input.value = 'pendek';
    });
    await submit();
    await problem('password').getByText('Kata sandi minimal 8 karakter.').waitFor();
    assert.equal(await refusal.count(), 0, 'no stale message about the email');
    await screenshot(page, 'polish-register-fixed-phone');
  }),
);

test('dates read day first everywhere, the report takes them so, and its chart stays readable on a phone', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(PHONE, async (page, browser) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/reports');
    const from = page.locator('input[name="from"]');
    const to = page.locator('input[name="to"]');
    await from.waitFor();
    assert.equal(await from.getAttribute('type'), 'text', "not the browser's own date field, which follows its language");
    assert.match(await from.inputValue(), /^\d{2}-\d{2}-\d{4}$/);
    const today = await to.inputValue();
    assert.match(today, /^\d{2}-\d{2}-\d{4}$/);

    await from.fill(today.replaceAll('-', '/'));
    await page.getByRole('button', { name: 'Tampilkan' }).tap();
    await page.waitForURL((url) => url.searchParams.get('from') === today.replaceAll('-', '/'));
    await page.locator('[data-stat="count"]').waitFor();
    assert.equal(await from.inputValue(), today, 'shown back day first');
    const [day, month, year] = today.split('-');
    assert.equal(
      await page.locator('a[href*="/api/v2/reports/sales.csv"]').getAttribute('href'),
      `/api/v2/reports/sales.csv?from=${year}-${month}-${day}&to=${year}-${month}-${day}`,
    );

    // The chart's labels are drawn large enough to read at a phone's width.
    const smallest = await page
      .locator('.chart-svg svg text')
      .evaluateAll((labels) => Math.min(...labels.map((label) => label.getBoundingClientRect().height)));
    assert.ok(smallest >= 10, `the chart's smallest label is ${smallest}px tall`);
    assert.ok((await documentWidth(page)) <= PHONE.width, 'the chart scrolls inside its card, not the page');
    await screenshot(page, 'polish-report-phone');

    // A date that does not exist: the translated message, and the field marked.
    browser.allowConsole(failedRequest(422));
    await from.fill(`31-02-${year}`);
    await page.getByRole('button', { name: 'Tampilkan' }).tap();
    await page.locator('.form-error').getByText('Tulis tanggal sebagai hh-bb-tttt, misalnya 31-12-2026.').waitFor();
    assert.equal(await from.getAttribute('aria-invalid'), 'true');
    assert.equal(await from.inputValue(), `31-02-${year}`, 'the typed date stays');
  }),
);

test("a customer's page follows the language switch, its statuses included", { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/customers');
    const first = page.locator('.customer-row a').first();
    await first.waitFor();
    await first.click();
    await page.waitForURL(/\/admin\/customers\/\d+$/);
    const badge = page.locator('.page-head .badge');
    await badge.waitFor();
    const indonesian = await text(badge);
    await page.locator('.topbar button[data-locale="en"]').click();
    await page.waitForFunction(
      (before) => document.querySelector('.page-head .badge')?.textContent.trim() !== before,
      indonesian,
    );
    assert.match(await text(badge), /^(Active|Suspended|Closed)$/);
    assert.match(await text(page.locator('#payments h2')), /Payments/);
    await page.locator('.topbar button[data-locale="id"]').click();
    await page.locator('.page-head .badge', { hasText: indonesian }).waitFor();
  }),
);
