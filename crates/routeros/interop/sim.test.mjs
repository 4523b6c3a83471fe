// Drives the routeros-sim binary with two third-party RouterOS API clients, node-routeros (npm) and
// librouteros (PyPI, through librouteros_queries.py), to prove the simulator speaks the protocol
// real clients expect, not only our own client's dialect, and answers every query-word form of
// the API guide as a router does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { RouterOSAPI } = require('node-routeros');

const here = path.dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'interop=pass';

function simulatorBinary() {
  if (process.env.ROUTEROS_SIM_BIN) return process.env.ROUTEROS_SIM_BIN;
  const candidates = ['release', 'debug'].map((profile) =>
    path.resolve(here, '../../../target', profile, 'routeros-sim'),
  );
  const found = candidates.find(existsSync);
  if (!found) throw new Error(`routeros-sim not found; set ROUTEROS_SIM_BIN (looked in ${candidates.join(', ')})`);
  return found;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startSimulator(...extra) {
  const port = await freePort();
  const child = spawn(
    simulatorBinary(),
    ['--listen', `127.0.0.1:${port}`, '--user', 'admin', '--password', PASSWORD, ...extra],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulator did not report listening within 10 s')), 10_000);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening on ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator exited early with ${code}`)));
  });
  return { child, port };
}

// The simulator as RouterOS 7.18+ (it sends !empty), and one as older versions for the query
// checks of node-routeros 1.6.9, which cannot read !empty (it throws from its socket handler, as
// it would against a real 7.18 router).
let simulator;
let port;
let withoutEmpty;

before(async () => {
  ({ child: simulator, port } = await startSimulator());
  withoutEmpty = await startSimulator('--no-empty');
  for (const target of [port, withoutEmpty.port]) await seedSecrets(target);
});

after(() => {
  simulator?.kill();
  withoutEmpty?.child.kill();
});

function client(password = PASSWORD, to = port) {
  return new RouterOSAPI({ host: '127.0.0.1', port: to, user: 'admin', password, timeout: 5 });
}

// The items every query runs over: only these tests touch /ppp/secret.
const SECRETS = [
  ['=name=q-a', '=comment=vip'],
  ['=name=q-b', '=comment='],
  ['=name=q-c'],
  ['=name=q-d', '=disabled=yes'],
];
const ALL = ['q-a', 'q-b', 'q-c', 'q-d'];

async function seedSecrets(to) {
  const api = client(PASSWORD, to);
  await api.connect();
  try {
    for (const words of SECRETS) await api.write('/ppp/secret/add', words);
  } finally {
    await api.close();
  }
}

// Every query-word form of the API guide, the words as sent, and what a router selects from
// SECRETS: the names, or the trap it answers.
const QUERIES = {
  'no query words': [[], ALL],
  '?name=x': [['?name=q-b'], ['q-b']],
  '?=name=x': [['?=name=q-b'], ['q-b']],
  '?name=x on a flag written yes': [['?disabled=yes'], ['q-d']],
  '?<name=x': [['?<name=q-b'], ['q-a']],
  '?>name=x': [['?>name=q-b'], ['q-c', 'q-d']],
  '?name': [['?comment'], ['q-a']],
  '?-name': [['?-comment'], ['q-b', 'q-c', 'q-d']],
  '?name of a property no item has': [['?no-such'], []],
  '?-name of a property no item has': [['?-no-such'], ALL],
  '?name=x of a property no item has': [['?no-such=x'], []],
  '?#|': [['?name=q-a', '?name=q-c', '?#|'], ['q-a', 'q-c']],
  '?#&': [['?comment', '?name=q-a', '?#&'], ['q-a']],
  '?#!': [['?name=q-a', '?#!'], ['q-b', 'q-c', 'q-d']],
  '?#.': [['?name=q-a', '?#.!|'], ALL],
  '?#|!& (several operations in one word)': [['?>name=q-a', '?name=q-b', '?name=q-c', '?#|!&'], ['q-d']],
  '?#1 (index at the end replaces the stack)': [['?name=q-a', '?name=q-b', '?#1'], ['q-a']],
  '?#1!| (index before more operations copies)': [['?name=q-a', '?name=q-b', '?#1!|'], []],
  'malformed ?#x': [['?#x'], { trap: 'invalid query word "?#x"' }],
  'malformed ? (no name)': [['?'], { trap: 'invalid query word "?"' }],
  'malformed ?<name (no value)': [['?<name'], { trap: 'invalid query word "?<name"' }],
};

// librouteros's own query builder, by the labels librouteros_queries.py uses.
const BUILT = {
  'Key == x': ['q-b'],
  'Key != x': ['q-a', 'q-c', 'q-d'],
  'Key < x': ['q-a'],
  'Key > x': ['q-c', 'q-d'],
  Or: ['q-a', 'q-c'],
  And: ['q-a'],
  In: ['q-a', 'q-c', 'q-d'],
};

function expected(answer) {
  return Array.isArray(answer) ? { names: answer } : answer;
}

for (const [label, [words, answer]] of Object.entries(QUERIES)) {
  test(`node-routeros query: ${label}`, async () => {
    const api = client(PASSWORD, withoutEmpty.port);
    await api.connect();
    try {
      let got;
      try {
        const rows = await api.write('/ppp/secret/print', ['=.proplist=name', ...words]);
        got = { names: rows.map((row) => row.name).sort() };
      } catch (error) {
        got = { trap: error.message };
      }
      assert.deepEqual(got, expected(answer));
    } finally {
      await api.close();
    }
  });
}

test('librouteros: every query form, raw and from its query builder', async () => {
  const python = path.join(here, '.venv', 'bin', 'python');
  const raw = Object.fromEntries(Object.entries(QUERIES).map(([label, [words]]) => [label, words]));
  const results = await new Promise((resolve, reject) => {
    const child = execFile(
      python,
      [path.join(here, 'librouteros_queries.py'), String(port), PASSWORD],
      { timeout: 20_000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
    );
    child.stdin.end(JSON.stringify(raw));
  });
  for (const [label, [, answer]] of Object.entries(QUERIES)) {
    assert.deepEqual(results.raw[label], expected(answer), `raw ${label}`);
  }
  for (const [label, names] of Object.entries(BUILT)) {
    assert.deepEqual(results.built[label], { names }, `built ${label}`);
  }
});

test('node-routeros logs in, adds a hotspot user and prints it back', async () => {
  const api = client();
  await api.connect();
  try {
    const added = await api.write('/ip/hotspot/user/add', [
      '=name=voucher-7',
      '=password=p=7',
      '=profile=default',
      '=limit-uptime=3h',
      '=comment=sold at counter 2',
    ]);
    assert.match(added[0].ret, /^\*[0-9A-F]+$/);

    const rows = await api.write('/ip/hotspot/user/print', ['?name=voucher-7']);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]['.id'], added[0].ret);
    assert.equal(rows[0].name, 'voucher-7');
    assert.equal(rows[0].password, 'p=7');
    assert.equal(rows[0].profile, 'default');
    assert.equal(rows[0]['limit-uptime'], '3h');
    assert.equal(rows[0].comment, 'sold at counter 2');
    assert.equal(rows[0].disabled, 'false');
  } finally {
    await api.close();
  }
});

test('node-routeros sees the router trap for a duplicate name', async () => {
  const api = client();
  await api.connect();
  try {
    await api.write('/ip/hotspot/user/add', ['=name=dup']);
    await assert.rejects(api.write('/ip/hotspot/user/add', ['=name=dup']), {
      message: 'failure: already have user with this name for this server',
    });
  } finally {
    await api.close();
  }
});

test('node-routeros recognises the login refusal', async () => {
  // node-routeros turns only RouterOS's exact wording, "invalid user name or password (6)", into
  // this message, so passing here also checks the simulator words the trap like a router.
  await assert.rejects(client('wrong').connect(), { message: 'Username or password is invalid' });
});
