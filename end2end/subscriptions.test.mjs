// PPPoE subscriptions in a real browser: an admin subscribes a customer to a PPPoE plan, sees
// the secret reach the (simulated) router and the subscriber's device dial in, isolates and
// resumes the subscription by hand; the customer sees their connection on a phone; the admin
// imports a secret made on the router before the billing.
//
// The router is a RouterOS simulator of this file's own, in its demo mode for PPPoE: every
// enabled secret the billing made dials in within a second, as a subscriber's device redials
// after a kick.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  DESKTOP,
  PHONE,
  api,
  apiToken,
  documentWidth,
  login,
  pathOf,
  screenshot,
  startSimulator,
  until,
  visit,
  withBrowser,
  withRouterOs,
} from './support.mjs';

const TEST_TIMEOUT_MS = 120_000;
const ADMIN = { username: 'admin', password: 'admin12345' };
const BUDI = { username: 'budi@example.com', password: 'budi12345' };
const run = String(randomInt(0, 1_000_000)).padStart(6, '0');
const text = async (locator) => (await locator.innerText()).trim();

let sim;
let token;
let routerId;
let planName;

/** The secret named `name` on the simulator, or undefined. */
const secretOnRouter = (name) =>
  withRouterOs(sim, async (client) => (await client.write('/ppp/secret/print')).find((s) => s.name === name));

before(async () => {
  sim = await startSimulator({ args: ['--demo-ppp-comment-prefix', 'mb:subscription='] });
  token = await apiToken(ADMIN);
  const router = await api(
    'POST',
    '/api/v2/routers',
    { name: `PPPoE Uji ${run}`, host: sim.host, port: sim.port, username: sim.username, password: sim.password },
    token,
  );
  routerId = router.id;
  planName = `Rumah ${run}`;
  await api(
    'POST',
    '/api/v2/plans',
    { kind: 'pppoe', router_id: routerId, name: planName, price: 175000, profile: `pppoe-${run}`, rate_limit: '10M/10M' },
    token,
  );
});

after(() => sim?.stop());

test('an admin subscribes a customer, the secret reaches the router and the subscriber comes online; isolation and resumption follow', { timeout: TEST_TIMEOUT_MS }, async () => {
  const budi = (await api('GET', '/api/v2/customers?q=budi%20santoso', undefined, token)).customers[0];
  assert.ok(budi, 'the demo customer Budi exists');
  const username = `budi${run}`;

  await withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, `/admin/customers/${budi.id}`);
    const card = page.locator('#subscriptions');
    await card.locator('h2').waitFor();
    const form = card.locator('.new-subscription');
    await form.locator('summary').click();
    const option = form.locator('select[name="plan_id"] option', { hasText: planName });
    await form.locator('select[name="plan_id"]').selectOption(await option.getAttribute('value'));
    await form.locator('input[name="pppoe_username"]').fill(username);
    await form.locator('input[name="billing_day"]').fill('5');
    await form.locator('button[type="submit"]').click();
    await card.locator('.outcome-ok[data-outcome="subscribed"]').waitFor();

    // The page follows the secret to the router by itself.
    const item = card.locator(`.subscription[data-subscription="${username}"]`);
    await item.locator('.secret-state[data-state="synced"]').waitFor({ timeout: 30_000 });
    const secret = await secretOnRouter(username);
    assert.equal(secret?.profile, `pppoe-${run}`);
    assert.equal(secret?.comment?.startsWith('mb:subscription='), true);
    assert.equal(await text(item.locator('.facts code').nth(1)), secret.password, 'the page shows the password the router has');

    // The subscriber's device dials in; the page shows it online with its address.
    const online = async (state) => {
      await until(`${username} is ${state ? 'online' : 'offline'} on the page`, async () => {
        await visit(page, `/admin/customers/${budi.id}`);
        const cell = page.locator(`.subscription[data-subscription="${username}"] .session`);
        await cell.waitFor();
        return (await cell.getAttribute('data-online')) === String(state);
      }, { timeout: 30_000, interval: 500 });
    };
    await online(true);
    assert.match(await text(page.locator(`.subscription[data-subscription="${username}"] .session-online`)), /Online/);
    await screenshot(page, 'subscription-online-desktop');

    // Isolated by hand: no isolation profile on this router, so the secret is disabled and the
    // session ends.
    await page.locator(`.subscription[data-subscription="${username}"] button[data-action="isolate"]`).click();
    await page.locator(`.subscription[data-subscription="${username}"][data-status="isolated"]`).waitFor();
    await until('the secret is disabled on the router', async () => (await secretOnRouter(username))?.disabled === 'true', { timeout: 30_000 });
    await online(false);

    // Resumed: enabled again, and the device dials back in.
    await page.locator(`.subscription[data-subscription="${username}"] button[data-action="resume"]`).click();
    await page.locator(`.subscription[data-subscription="${username}"][data-status="active"]`).waitFor();
    await until('the secret is enabled on the router', async () => (await secretOnRouter(username))?.disabled === 'false', { timeout: 30_000 });
    await online(true);

    // Every subscription, in one list.
    await visit(page, '/admin/subscriptions');
    await page.locator(`tr[data-subscription="${username}"]`).waitFor();
  });

  // Budi sees his connection on his phone.
  await withBrowser(PHONE, async (page) => {
    await login(page, BUDI.username, BUDI.password);
    const mine = page.locator(`.my-subscriptions .subscription[data-subscription="${username}"]`);
    await mine.waitFor();
    assert.match(await text(mine), new RegExp(planName));
    await mine.locator('.session[data-online="true"]').waitFor();
    const width = await documentWidth(page);
    assert.ok(width <= PHONE.width, `${pathOf(page)} is ${width}px wide on a phone`);
    await screenshot(page, 'portal-subscription-phone');
  });
});

test('an admin imports a secret made on the router before the billing, once', { timeout: TEST_TIMEOUT_MS }, async () => {
  const secretName = `lama${run}`;
  const whatsapp = `0857${run}11`;
  await withRouterOs(sim, (client) =>
    client.write('/ppp/secret/add', [
      `=name=${secretName}`,
      '=password=rahasia-lama',
      '=profile=default',
      '=service=pppoe',
      `=comment=Pak Harjo ${whatsapp}`,
    ]),
  );
  await withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, `/admin/routers/${routerId}/pppoe`);
    await page.locator('#import button[data-action="preview"]').click();
    const row = page.locator(`#import tr[data-secret="${secretName}"]`);
    await row.waitFor();
    assert.match(await text(row), /Pak Harjo/);
    assert.equal(await row.locator('input[type="tel"]').inputValue(), `62${whatsapp.slice(1)}`);
    await page.locator('#import button[type="submit"]').click();
    const done = page.locator('#import .outcome-ok');
    await done.waitFor();
    assert.match(await text(done), /Diimpor 1 langganan/);
    await screenshot(page, 'router-pppoe-import');
    // Read again: it is a subscription now, nothing left to import.
    await page.locator('#import button[data-action="preview"]').click();
    await page.locator(`#import tr[data-secret="${secretName}"]`).waitFor({ state: 'detached' });
  });
  const listed = await api('GET', `/api/v2/subscriptions?router_id=${routerId}`, undefined, token);
  const imported = listed.subscriptions.filter((s) => s.pppoe_username === secretName);
  assert.equal(imported.length, 1);
  assert.equal(imported[0].origin, 'imported');
  assert.equal(imported[0].customer_name, 'Pak Harjo');
});

test('the monthly run issues the subscription its invoice, seen in the invoice manager and on the customer phone', { timeout: TEST_TIMEOUT_MS }, async () => {
  const budi = (await api('GET', '/api/v2/customers?q=budi%20santoso', undefined, token)).customers[0];
  let line;
  await withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/invoices');
    await page.locator('button[data-action="invoice-run"]').click();
    // The server's own hourly run may have issued it a moment earlier: either way it is there.
    const done = page.locator('.invoice-run .outcome-ok');
    await done.waitFor();
    assert.match(await text(done), /tagihan diterbitkan/);
    // The subscription of the first test starts today: its first period is billed, prorated
    // when today is not its billing day (the 5th).
    const invoices = (await api('GET', `/api/v2/invoices?customer_id=${budi.id}`, undefined, token)).invoices;
    const invoice = invoices.find((i) => i.lines.some((l) => l.description.startsWith(`${planName}, `)));
    assert.ok(invoice, `an invoice for ${planName} among ${invoices.map((i) => i.number)}`);
    line = invoice.lines[0].description;
    assert.match(line, /^Rumah \d+, \d{2}-\d{2}-\d{4} – \d{2}-\d{2}-\d{4}/);
    await page.locator(`li.invoice-row[data-invoice="${invoice.number}"]`).waitFor();
    await screenshot(page, 'invoice-run-manager');
    // Run again: nothing more for it.
    await page.locator('button[data-action="invoice-run"]').click();
    await page.waitForFunction(() => document.querySelector('.invoice-run .outcome-ok')?.dataset.created === '0');
  });
  await withBrowser(PHONE, async (page) => {
    await login(page, BUDI.username, BUDI.password);
    await page.locator('.invoice-item', { hasText: line }).first().waitFor();
    const width = await documentWidth(page);
    assert.ok(width <= PHONE.width, `${pathOf(page)} is ${width}px wide on a phone`);
  });
});
