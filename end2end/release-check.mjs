// The release build (wasm-release profile, optimised by wasm-opt) hydrates: run by
// `scripts/dev.sh release-check` against a release server. Named so that the default
// `node --test` run of the debug suite does not pick it up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, login, visit, withBrowser } from './support.mjs';

test('the release build hydrates: the language switch works in place', async () => {
  await withBrowser(PHONE, async (page) => {
    await visit(page, '/login');
    assert.equal(await page.locator('h1').textContent(), 'Masuk');
    await page.locator('button[data-locale="en"]').click();
    await page.locator('h1', { hasText: 'Log in' }).waitFor();
    const wasm = await page.evaluate(() =>
      performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))?.name,
    );
    assert.ok(wasm, 'the page loaded its WASM');
  });
});

test('the release build logs an admin in and renders the dashboard', async () => {
  await withBrowser(DESKTOP, async (page) => {
    await login(page, 'admin', 'admin12345');
    await page.locator('h1', { hasText: 'Admin Demo' }).waitFor();
  });
});
