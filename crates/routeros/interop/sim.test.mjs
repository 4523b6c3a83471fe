// Drives the routeros-sim binary with node-routeros, a third-party RouterOS API client, to prove
// the simulator speaks the protocol real clients expect, not only our own client's dialect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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

let simulator;
let port;

before(async () => {
  port = await freePort();
  simulator = spawn(simulatorBinary(), ['--listen', `127.0.0.1:${port}`, '--user', 'admin', '--password', PASSWORD], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulator did not report listening within 10 s')), 10_000);
    let output = '';
    simulator.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening on ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    simulator.once('exit', (code) => reject(new Error(`simulator exited early with ${code}`)));
  });
});

after(() => {
  simulator?.kill();
});

function client(password = PASSWORD) {
  return new RouterOSAPI({ host: '127.0.0.1', port, user: 'admin', password, timeout: 5 });
}

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
