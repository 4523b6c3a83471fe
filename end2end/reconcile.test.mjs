// Reconciliation that has something to fix: a voucher's hotspot user disappears from the router
// (someone removed it in WinBox) and a stranger carrying our marker appears; the admin presses the
// router's reconcile button, the outcome names what it found, and the voucher is back on the router.
//
// Runs against the app at BASE_URL with the demo accounts seeded and its background worker
// running. It starts a RouterOS simulator of its own (target/debug/routeros-sim, or
// ROUTEROS_SIM_BIN) and registers it, with a plan and a batch of stock, through the REST API. The
// router stays registered when its simulator stops, so the dashboard reports it unreachable
// afterwards.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  DESKTOP,
  api,
  apiToken,
  hotspotUserNames,
  login,
  makeStock,
  screenshot,
  startSimulator,
  until,
  visit,
  withBrowser,
  withRouterOs,
} from './support.mjs';

const ADMIN = { username: 'admin', password: 'admin12345' };
const run = String(randomInt(0, 1_000_000)).padStart(6, '0');
const ROUTER_NAME = `Cocok Uji ${run}`;

let simulator;
let adminToken;
let routerId;
let planId;

after(() => simulator?.stop());

before(async () => {
  simulator = await startSimulator({ password: 'reconcile-router' });
  adminToken = await apiToken(ADMIN);
  const router = await api(
    'POST',
    '/api/v2/routers',
    {
      name: ROUTER_NAME,
      host: simulator.host,
      port: simulator.port,
      username: simulator.username,
      password: simulator.password,
      hotspot_login_url: `http://cocok-${run}.lan/login`,
    },
    adminToken,
  );
  routerId = router.id;
  const plan = await api(
    'POST',
    '/api/v2/plans',
    { router_id: routerId, name: `Cocok ${run}`, price: 2_000, validity: '1h', profile: 'default', rate_limit: '1M/2M' },
    adminToken,
  );
  planId = plan.id;
});

test('reconciliation re-creates a voucher removed from the router, disables a withdrawn one switched back on there, and reports a stranger', { timeout: 120_000 }, async () => {
  const batch = await makeStock(adminToken, planId, 5);
  const vouchers = await api('GET', `/api/v2/vouchers?batch_id=${batch}`, undefined, adminToken);
  const codes = vouchers.map((v) => v.code);
  assert.equal(codes.length, 5, "the batch's vouchers");
  const onRouter = new Set(await hotspotUserNames(simulator));
  assert.deepEqual(codes.filter((c) => !onRouter.has(c)), [], 'the whole batch is on the router');

  // One voucher is disabled in the app; its user is disabled on the router.
  const [removed, withdrawn] = codes;
  const withdrawnId = vouchers.find((v) => v.code === withdrawn).id;
  await api('POST', `/api/v2/vouchers/${withdrawnId}/disable`, undefined, adminToken);
  const disabledOnRouter = async () =>
    withRouterOs(simulator, async (client) => {
      const [user] = await client.write('/ip/hotspot/user/print', [`?name=${withdrawn}`]);
      return user?.disabled === 'true';
    });
  await until(`${withdrawn} is disabled on the router`, disabledOnRouter, { timeout: 30_000, interval: 250 });

  // Behind the app's back: one voucher's user goes, the disabled one is switched back on, and a
  // user with our marker but no voucher comes.
  const stranger = `ASING${run}`;
  await withRouterOs(simulator, async (client) => {
    const [user] = await client.write('/ip/hotspot/user/print', [`?name=${removed}`]);
    assert.ok(user?.['.id'], `${removed} is a hotspot user`);
    await client.write('/ip/hotspot/user/remove', [`=.id=${user['.id']}`]);
    const [switched] = await client.write('/ip/hotspot/user/print', [`?name=${withdrawn}`]);
    await client.write('/ip/hotspot/user/set', [`=.id=${switched['.id']}`, '=disabled=no']);
    await client.write('/ip/hotspot/user/add', [`=name=${stranger}`, '=password=x', `=comment=mb:batch=0:voucher=0`]);
  });
  assert.ok(!(await hotspotUserNames(simulator)).includes(removed), `${removed} is gone from the router`);
  assert.ok(!(await disabledOnRouter()), `${withdrawn} works on the router again`);

  await withBrowser(DESKTOP, async (page) => {
    await login(page, ADMIN.username, ADMIN.password);
    await visit(page, '/admin/routers');
    const entry = page.locator(`tbody[data-router="${ROUTER_NAME}"]`);
    await entry.getByRole('button', { name: 'Cocokkan voucher' }).click();
    const outcome = entry.locator('[data-outcome="reconcile"]');
    await outcome.waitFor();
    assert.equal(
      (await outcome.innerText()).trim(),
      `Pencocokan selesai: 1 voucher dikirim ulang ke router, 1 voucher yang ditarik atau kedaluwarsa dimatikan di router, 1 user dengan tanda kami tidak dikenal. ${stranger}`,
    );
    await screenshot(page, 'routers-reconciled');
  });

  // The outbox puts the voucher back; the stranger is reported, not removed.
  let names;
  await until(
    `${removed} is back on the router`,
    async () => {
      names = await hotspotUserNames(simulator);
      return names.includes(removed);
    },
    { timeout: 30_000, interval: 250, describe: () => `${names.length} users` },
  );
  assert.deepEqual(
    codes.filter((c) => !names.includes(c)),
    [],
    'every voucher of the batch is on the router again',
  );
  assert.ok(names.includes(stranger), 'the stranger stays for the admin to look at');
  await until(`${withdrawn} is disabled on the router again`, disabledOnRouter, { timeout: 30_000, interval: 250 });
  const progress = await api('GET', `/api/v2/vouchers/batches/${batch}`, undefined, adminToken);
  assert.equal(progress.pushed, 5, `the batch counts all its vouchers pushed (${JSON.stringify(progress)})`);
});
