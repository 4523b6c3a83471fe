// What a cheap phone on 4G gets from the release build: run by `scripts/dev.sh release-check`
// (a measurement, not part of the per-commit suite; named so that `node --test` of the debug
// suite does not pick it up). Chromium is throttled to 9 Mbps down, 1.5 Mbps up and 85 ms of
// latency; each page is loaded cold (empty cache) and then reloaded warm, and what crossed the
// network is counted as Chromium's DevTools count it (encoded bytes, headers included).
//
// Budgets (issue "Fast on a cheap phone over 4G"): /pos cold ≤ 500 KB and a tap sells within
// 3 s of the navigation; a warm reload of /pos ≤ 20 KB. The WASM arrives compressed and
// immutable; pages say no-cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, TABLET, login, withBrowser } from './support.mjs';

const FOUR_G = {
  offline: false,
  latency: 85,
  downloadThroughput: (9_000_000 / 8) | 0,
  uploadThroughput: (1_500_000 / 8) | 0,
};

const BUDGET = { posColdBytes: 500_000, posSoldMs: 3_000, posWarmBytes: 20_000 };

const figures = [];

/** Counts the bytes and requests of everything the page loads from now until `stop()`. */
async function meter(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FOUR_G);
  const state = { bytes: 0, requests: 0, files: [] };
  const urls = new Map();
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    urls.set(requestId, { url: response.url, headers: response.headers, cached: response.fromDiskCache || response.fromMemoryCache });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const seen = urls.get(requestId);
    state.bytes += encodedDataLength;
    // What the browser's cache answered did not cross the network.
    if (!seen?.cached) state.requests += 1;
    if (seen) state.files.push({ ...seen, bytes: encodedDataLength });
  });
  return {
    cdp,
    reset() {
      state.bytes = 0;
      state.requests = 0;
      state.files = [];
    },
    get bytes() {
      return state.bytes;
    },
    get requests() {
      return state.requests;
    },
    get files() {
      return state.files;
    },
    async clearCache() {
      await cdp.send('Network.clearBrowserCache');
    },
  };
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

/** Loads `path` and waits until it is interactive; returns the milliseconds it took. */
async function load(page, path, how = 'goto') {
  const started = Date.now();
  if (how === 'reload') await page.reload({ waitUntil: 'commit' });
  else await page.goto(path, { waitUntil: 'commit' });
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 30_000 });
  return Date.now() - started;
}

function record(page, cold, warm) {
  figures.push({ page, ...cold, warmBytes: warm.bytes, warmRequests: warm.requests, warmMs: warm.ms });
}

/** The main WASM file's answer (its headers), and the bytes of every WASM file loaded. */
function wasmOf(files) {
  const wasm = files.filter((f) => f.url.endsWith('.wasm'));
  return {
    main: wasm.find((f) => /\/mikrotik_billing\.[^/]*\.wasm$/.test(f.url)),
    bytes: wasm.reduce((sum, f) => sum + f.bytes, 0),
    files: wasm.length,
  };
}

test('/pos on 4G: small cold, tiny warm, a tap sells within 3 s', { timeout: 120_000 }, async () => {
  await withBrowser(TABLET, async (page) => {
    await login(page, 'kasir', 'kasir12345');
    const net = await meter(page);
    await net.clearCache();
    net.reset();

    const started = Date.now();
    await page.goto('/pos', { waitUntil: 'commit' });
    const tile = page.locator('.plan-tile:not([disabled])').first();
    await tile.waitFor({ timeout: 30_000 });
    const interactiveMs = Date.now() - started;
    await tile.click();
    await page.locator('.sale[data-sale-id]').waitFor({ timeout: 30_000 });
    const soldMs = Date.now() - started;
    await page.waitForLoadState('networkidle');
    const coldFiles = net.files;
    const cold = { bytes: net.bytes, requests: net.requests, ms: interactiveMs, soldMs };

    const wasm = wasmOf(coldFiles);
    assert.ok(wasm.main, 'the page loaded its WASM');
    assert.match(wasm.main.headers['content-encoding'] ?? '', /^(br|gzip)$/, 'the WASM arrives compressed');
    assert.equal(wasm.main.headers['cache-control'], 'public, max-age=31536000, immutable');
    const html = coldFiles.find((f) => f.url.endsWith('/pos'));
    assert.match(html?.headers['cache-control'] ?? '', /no-cache/, 'the page says no-cache');

    net.reset();
    const warmMs = await load(page, '/pos', 'reload');
    await page.waitForLoadState('networkidle');
    const warm = { bytes: net.bytes, requests: net.requests, ms: warmMs };
    record('/pos (cashier, tablet)', { ...cold, wasm: wasm.bytes, wasmFiles: wasm.files }, warm);
    const list = (files) => {
      const shown = files.filter((f) => f.bytes >= 2_000);
      const rest = files.filter((f) => f.bytes < 2_000);
      return [
        ...shown.map((f) => `  ${kb(f.bytes).padStart(9)} ${f.url.replace(/^https?:\/\/[^/]+/, '')}${f.cached ? ' (cache)' : ''}`),
        `  ${kb(rest.reduce((sum, f) => sum + f.bytes, 0)).padStart(9)} in ${rest.length} smaller answers`,
      ].join('\n');
    };
    console.log(`/pos cold:\n${list(coldFiles)}\n/pos warm:\n${list(net.files)}`);

    assert.ok(cold.bytes <= BUDGET.posColdBytes, `/pos cold transferred ${kb(cold.bytes)} (budget ${kb(BUDGET.posColdBytes)})`);
    assert.ok(soldMs <= BUDGET.posSoldMs, `the first sale showed after ${soldMs} ms (budget ${BUDGET.posSoldMs} ms)`);
    assert.ok(warm.bytes <= BUDGET.posWarmBytes, `/pos warm transferred ${kb(warm.bytes)} (budget ${kb(BUDGET.posWarmBytes)})`);
  });
});

/** Loads `path` with an empty cache, then reloads it, and records both under `name`. */
async function coldAndWarm(page, net, path, name) {
  await net.clearCache();
  net.reset();
  const coldMs = await load(page, path);
  await page.waitForLoadState('networkidle');
  const wasm = wasmOf(net.files);
  const cold = { bytes: net.bytes, requests: net.requests, ms: coldMs, wasm: wasm.bytes, wasmFiles: wasm.files };
  net.reset();
  const warmMs = await load(page, path, 'reload');
  await page.waitForLoadState('networkidle');
  record(name, cold, { bytes: net.bytes, requests: net.requests, ms: warmMs });
}

test('/login and /portal on 4G, cold and warm', { timeout: 120_000 }, async () => {
  await withBrowser(PHONE, async (page) => {
    const net = await meter(page);
    await coldAndWarm(page, net, '/login', '/login (phone)');
    await login(page, '081234567801', 'budi12345');
    await coldAndWarm(page, net, '/portal', '/portal (customer, phone)');
  });
});

test.after(() => {
  const lines = [
    '| Page | Cold transfer | of it WASM (files) | Cold: interactive | First sale | Warm transfer | Warm: interactive |',
    '|---|---|---|---|---|---|---|',
    ...figures.map((f) =>
      `| ${f.page} | ${kb(f.bytes)} (${f.requests} requests) | ${f.wasm ? `${kb(f.wasm)} (${f.wasmFiles})` : '–'} | ${f.ms} ms | ${f.soldMs ? `${f.soldMs} ms` : '–'} | ${kb(f.warmBytes)} (${f.warmRequests} requests) | ${f.warmMs} ms |`,
    ),
  ];
  console.log(`\n4G (9 Mbps down, 1.5 Mbps up, 85 ms), release build:\n${lines.join('\n')}\n`);
});
