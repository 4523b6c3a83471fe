// Billing at the counter in a real browser: an admin adds a customer, issues a manual invoice,
// takes part of it in cash (the rest becomes debt), issues the next invoice (which carries the
// debt), prints the receipt and the invoice, and gives the customer a portal login; the customer
// then sees both invoices on a phone, and cannot open another customer's invoice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { DESKTOP, PHONE, TABLET, documentWidth, failedRequest, login, pathOf, screenshot, visit, withBrowser } from './support.mjs';

const TEST_TIMEOUT_MS = 120_000;
const ADMIN = { username: 'admin', password: 'admin12345' };
const CASHIER = { username: 'kasir', password: 'kasir12345' };
const text = async (locator) => (await locator.innerText()).trim();

async function assertFitsWidth(page, viewport) {
  const width = await documentWidth(page);
  assert.ok(width <= viewport.width, `${pathOf(page)} is ${width}px wide on a ${viewport.width}px screen`);
}

test('an admin bills a customer at the counter, the rest of a partial payment is carried, and the customer sees it on a phone', { timeout: TEST_TIMEOUT_MS }, async () => {
  const serial = String(randomInt(10_000_000, 99_999_999));
  const customer = {
    name: `Dewi Lestari ${serial.slice(0, 3)}`,
    whatsapp: `0813${serial}`,
    email: `dewi${serial}@example.com`,
    password: `dewi-${serial}`,
  };
  const numbers = {};

  await withBrowser(DESKTOP, async (page, browser) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/customers');
    assert.equal(await text(page.locator('h1')), 'Pelanggan');
    await page.locator('.customer-row').first().waitFor();
    assert.ok((await page.locator('.customer-row').count()) >= 3, 'the demo customers are listed');

    // A new customer.
    await page.getByRole('button', { name: 'Pelanggan baru' }).click();
    const form = page.locator('form.customer-form');
    await form.locator('input[name="name"]').fill(customer.name);
    await form.locator('input[name="whatsapp"]').fill(customer.whatsapp);
    await form.locator('input[name="email"]').fill(customer.email);
    await form.locator('input[name="address"]').fill('Jl. Kenanga 3, RT 02/RW 04');
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/admin\/customers\/\d+$/);
    await page.locator('h1', { hasText: customer.name }).waitFor();
    assert.equal(await page.locator('.balance').getAttribute('data-balance'), '0');

    // She is found by the beginning of her WhatsApp number.
    const customerPath = new URL(page.url()).pathname;

    // A manual invoice of Rp 100.000.
    const issue = async (description, amount) => {
      const before = await page.locator('#invoices .invoice-item').count();
      const invoiceForm = page.locator('#new-invoice form');
      await invoiceForm.locator('input[name="lines[0][description]"]').fill(description);
      await invoiceForm.locator('input[name="lines[0][amount]"]').fill(amount);
      await invoiceForm.locator('button[type="submit"]').click();
      await page.locator('#new-invoice .outcome-ok').waitFor();
      await page.waitForFunction(
        (count) => document.querySelectorAll('#invoices .invoice-item').length === count,
        before + 1,
      );
      return page.locator('#invoices .invoice-item').first();
    };
    const first = await issue('Pemasangan', '100.000');
    numbers.first = await text(first.locator('.invoice-head .mono'));
    assert.match(numbers.first, /^INV-\d{6}-\d{5,}$/);
    assert.equal(await text(first.locator('.badge')), 'Belum dibayar');
    assert.equal(await text(first.locator('.invoice-total strong')), 'Rp 100.000');

    // Rp 60.000 in cash: the invoice is closed as partly paid, Rp 40.000 becomes debt.
    const payment = first.locator('.payment-form');
    await payment.locator('input[name="amount"]').fill('60.000');
    await payment.locator('select[name="method"]').selectOption('cash');
    await payment.locator('button[type="submit"]').click();
    const receiptLink = page.locator('.payment-done a[data-receipt]');
    await receiptLink.waitFor();
    await page.waitForFunction(() => document.querySelector('.balance')?.dataset.balance === '-40000');
    const paid = page.locator('#invoices .invoice-item', { hasText: numbers.first });
    assert.equal(await text(paid.locator('.badge')), 'Dibayar sebagian');
    assert.equal(await paid.locator('.payment-form').count(), 0, 'a partly paid invoice takes no more payments');
    assert.equal(await page.locator('#payments .payment-item').count(), 1);
    const receiptId = await receiptLink.getAttribute('data-receipt');

    // The next invoice carries the debt: 50.000 + 40.000, and the balance is even again.
    const second = await issue('Internet Desember', '50.000');
    numbers.second = await text(second.locator('.invoice-head .mono'));
    assert.notEqual(numbers.second, numbers.first);
    assert.match(await text(second.locator('.invoice-lines')), new RegExp(`Kekurangan dari ${numbers.first}`));
    assert.equal(await text(second.locator('.invoice-total strong')), 'Rp 90.000');
    await page.waitForFunction(() => document.querySelector('.balance')?.dataset.balance === '0');
    assert.equal(await page.locator('#ledger .ledger-item').count(), 2);
    await screenshot(page, 'customer-page-desktop');

    // A portal login for her.
    await page.locator('.portal-login summary').click();
    await page.locator('.portal-login input[name="password"]').fill(customer.password);
    await page.locator('.portal-login button[type="submit"]').click();
    await page.locator('.portal-login .outcome-ok').waitFor();

    // She is found in the list by the beginning of her number.
    await visit(page, `/admin/customers?q=${customer.whatsapp.slice(0, 9)}`);
    await page.locator('.customer-row', { hasText: customer.name }).waitFor();

    // The invoice manager shows the unpaid one and counts it as outstanding.
    await visit(page, '/admin/invoices?status=unpaid');
    await page.locator('.invoice-book').waitFor();
    const listed = await page.locator('.invoice-row .invoice-number').allInnerTexts();
    assert.ok(listed.includes(numbers.second), `${numbers.second} is among the unpaid: ${listed}`);
    assert.ok(!listed.includes(numbers.first), 'the partly paid one is not');
    await screenshot(page, 'invoice-manager-desktop');

    // The receipt and the invoice, on paper.
    await visit(page, `/print/receipts/${receiptId}`);
    assert.equal(await text(page.locator('.doc-amount')), 'Rp 60.000');
    assert.match(await text(page.locator('.doc-receipt')), new RegExp(numbers.first));
    assert.match(await text(page.locator('.doc-note')), /Sisanya, Rp 40\.000, ditagihkan/);
    await screenshot(page, 'receipt-58mm');
    const secondLink = await page.goto(customerPath).then(() =>
      page.locator('#invoices .invoice-item', { hasText: numbers.second }).locator('a', { hasText: 'Cetak (A4)' }).getAttribute('href'));
    await visit(page, secondLink);
    assert.equal(await text(page.locator('.doc-number')), numbers.second);
    assert.equal(await text(page.locator('.doc-business-name')), 'RT/RW Net Sejahtera (demo)', 'headed with the operator (business.name)');
    assert.equal(await text(page.locator('.doc-total td')), 'Rp 90.000');
    await screenshot(page, 'invoice-a4');
    await visit(page, `${secondLink}?layout=58mm`);
    await page.locator('.doc-thermal').waitFor();
    await screenshot(page, 'invoice-58mm');
    numbers.secondPath = secondLink;
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });

  await withBrowser(PHONE, async (page, browser) => {
    await login(page, customer.whatsapp, customer.password);
    assert.equal(pathOf(page), '/portal');
    const invoices = page.locator('.invoice-item');
    await invoices.first().waitFor();
    assert.equal(await invoices.count(), 2);
    assert.equal(await text(invoices.nth(0).locator('.mono')), numbers.second);
    assert.equal(await text(invoices.nth(0).locator('.badge')), 'Belum dibayar');
    assert.match(await text(invoices.nth(0).locator('.invoice-lines')), new RegExp(`Kekurangan dari ${numbers.first}`));
    assert.equal(await text(invoices.nth(1).locator('.badge')), 'Dibayar sebagian');
    assert.equal(await page.locator('.balance').getAttribute('data-balance'), '0');
    await assertFitsWidth(page, PHONE);
    await screenshot(page, 'portal-billed-phone');

    // Her own invoice prints; the invoice before it in the book (another customer's) does not.
    await visit(page, numbers.secondPath);
    assert.equal(await text(page.locator('.doc-number')), numbers.second);
    await assertFitsWidth(page, PHONE);
    const otherId = Number(numbers.secondPath.split('/').pop()) - 2;
    await visit(page, `/print/invoices/${otherId}`);
    await page.locator('.form-error').waitFor();
    assert.equal(await page.locator('.doc').count(), 0);
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });
});

test('a cashier finds a customer and takes their payment in cash, on a tablet', { timeout: TEST_TIMEOUT_MS }, () =>
  withBrowser(TABLET, async (page, browser) => {
    await login(page, CASHIER.username, CASHIER.password);
    assert.equal(pathOf(page), '/pos');
    await page.locator('.topbar a[href="/pos/customers"]').tap();
    await page.waitForURL('**/pos/customers');
    await page.locator('.customer-search input[name="q"]').fill('tuti');
    await page.locator('.customer-search button[type="submit"]').tap();
    await page.waitForURL(/q=tuti/);
    const row = page.locator('.customer-row', { hasText: 'Tuti Alawiyah' });
    await row.waitFor();
    assert.equal(await page.getByRole('button', { name: 'Pelanggan baru' }).count(), 0, 'a cashier adds no customers');
    await row.locator('a').tap();
    await page.waitForURL(/\/pos\/customers\/\d+$/);
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });

    // The unpaid invoice (this month's charge and last month's rest), paid in full.
    const unpaid = page.locator('#invoices .invoice-item', { has: page.locator('.payment-form') });
    await unpaid.first().waitFor();
    assert.equal(await unpaid.count(), 1);
    const number = await text(unpaid.locator('.invoice-head .mono'));
    assert.equal(await text(unpaid.locator('.invoice-total strong')), 'Rp 190.000');
    assert.equal(await unpaid.locator('input[name="amount"]').inputValue(), '190000', 'the amount starts at what is due');
    await screenshot(page, 'cashier-customer-tablet');
    await unpaid.locator('button[type="submit"]').tap();
    await page.locator('.payment-done a[data-receipt]').waitFor();
    const paid = page.locator('#invoices .invoice-item', { hasText: number }).first();
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('#invoices .invoice-item')]
        .some((item) => item.dataset.invoice === n && item.querySelector('.badge')?.innerText.trim() === 'Lunas'),
      number,
    );
    assert.equal(await paid.locator('.payment-form').count(), 0);
    // A cashier takes payments; changing customers, invoices and balances is for admins.
    for (const form of ['#new-invoice', '.balance-change', '.undo', '.customer-details button']) {
      assert.equal(await page.locator(form).count(), 0, `${form} is not shown to a cashier`);
    }
    assert.equal(await page.locator('.balance').getAttribute('data-balance'), '0');
    const width = await documentWidth(page);
    assert.ok(width <= TABLET.width, `${width}px wide on a tablet`);
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  }),
);

test('a debt is paid at once at the counter, toward the balance, and the customer sees what is owed on a phone', { timeout: TEST_TIMEOUT_MS }, async () => {
  const serial = String(randomInt(10_000_000, 99_999_999));
  const customer = {
    name: `Rina Marlina ${serial.slice(0, 3)}`,
    whatsapp: `0815${serial}`,
    password: `rina-${serial}`,
  };

  // An admin bills Rp 100.000 and takes Rp 60.000: Rp 40.000 of debt, and no invoice asks for it.
  await withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/customers');
    await page.getByRole('button', { name: 'Pelanggan baru' }).click();
    const form = page.locator('form.customer-form');
    await form.locator('input[name="name"]').fill(customer.name);
    await form.locator('input[name="whatsapp"]').fill(customer.whatsapp);
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/admin\/customers\/\d+$/);
    await page.locator('h1', { hasText: customer.name }).waitFor();
    const invoiceForm = page.locator('#new-invoice form');
    await invoiceForm.locator('input[name="lines[0][description]"]').fill('Pemasangan');
    await invoiceForm.locator('input[name="lines[0][amount]"]').fill('100.000');
    await invoiceForm.locator('button[type="submit"]').click();
    await page.locator('#new-invoice .outcome-ok').waitFor();
    const invoice = page.locator('#invoices .invoice-item').first();
    await invoice.locator('.payment-form input[name="amount"]').waitFor();
    await invoice.locator('.payment-form input[name="amount"]').fill('60.000');
    await invoice.locator('.payment-form button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelector('.balance')?.dataset.balance === '-40000');
    assert.equal(await page.locator('.balance-card .owed').getAttribute('data-owed'), '40000');
    assert.equal(await page.locator('#invoices [data-nothing-to-pay]').count(), 0, 'never "nothing to pay" beside a debt');
    await page.locator('.portal-login summary').click();
    await page.locator('.portal-login input[name="password"]').fill(customer.password);
    await page.locator('.portal-login button[type="submit"]').click();
    await page.locator('.portal-login .outcome-ok').waitFor();
  });

  // On her phone she sees what she owes in all, and where to pay it: never "nothing to pay".
  await withBrowser(PHONE, async (page, browser) => {
    await login(page, customer.whatsapp, customer.password);
    await page.locator('.balance-card .owed').waitFor();
    assert.equal(await page.locator('.balance-card .owed').getAttribute('data-owed'), '40000');
    assert.match(await text(page.locator('.balance-card')), /Total yang harus dibayar: Rp 40\.000/);
    await assertFitsWidth(page, PHONE);
    await screenshot(page, 'portal-debt-phone');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });

  // The cashier takes the debt at once: not more than it, and the receipt says what it paid.
  await withBrowser(TABLET, async (page, browser) => {
    await login(page, CASHIER.username, CASHIER.password);
    await visit(page, `/pos/customers?q=${customer.whatsapp}`);
    await page.locator('.customer-row', { hasText: customer.name }).locator('a').tap();
    await page.waitForURL(/\/pos\/customers\/\d+$/);
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
    const debt = page.locator('.balance-card .debt-form');
    await debt.waitFor();
    assert.equal(await debt.locator('input[name="amount"]').inputValue(), '40000', 'the amount starts at the debt');
    browser.allowConsole(failedRequest(422));
    await debt.locator('input[name="amount"]').fill('50.000');
    await debt.locator('button[type="submit"]').tap();
    await page.locator('.balance-card .form-error').waitFor();
    assert.match(await text(page.locator('.balance-card .form-error')), /Kasir menerima paling banyak/);
    await debt.locator('input[name="amount"]').fill('40.000');
    await debt.locator('button[type="submit"]').tap();
    await page.waitForFunction(() => document.querySelector('.balance')?.dataset.balance === '0');
    assert.equal(await page.locator('.balance-card .debt-form').count(), 0, 'nothing more to pay');
    const listed = page.locator('#payments .payment-item').first();
    assert.match(await text(listed), /Utang di saldo/);
    await screenshot(page, 'cashier-debt-paid-tablet');
    const receipt = await listed.locator('a', { hasText: /Cetak/ }).getAttribute('href');
    await visit(page, receipt);
    assert.match(await text(page.locator('.doc-receipt')), /Utang di saldo/);
    assert.equal(await text(page.locator('.doc-amount')), 'Rp 40.000');
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });
});
