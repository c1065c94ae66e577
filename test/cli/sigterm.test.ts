import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyConfig, emptyContext, emptyInfra } from '../../src/core/config/model.js';
import { renderConfigFile } from '../../src/rdc/config/store.js';
import { Secret } from '../../src/core/util/secret.js';
import { BIN } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Big enough that set-infra spends a while between taking the lock and writing. */
function bigConfig(repos: number): string {
  const config = emptyConfig();
  const ctx = emptyContext();
  config.contexts.default = ctx;
  ctx.machines.m1 = { host: '203.0.113.1', user: 'root', port: 22, sshKey: undefined, hostKeys: [], datastore: '/mnt/rediacc', rootPrefix: '/', infra: emptyInfra(), dnsZone: undefined };
  for (let i = 0; i < repos; i++) {
    ctx.repositories[`repo-${i}`] = { machine: 'm1', guid: `0b0f6c1e-5b8a-4d7e-9d63-${i.toString(16).padStart(12, '0')}`, networkId: 2816 + 64 * i, path: undefined, credential: new Secret(`credential-${i}-0123456789`), volume: undefined };
  }
  return renderConfigFile(config);
}

test('SIGTERM during a long config write: exit 143, the config untouched, the lock released, no temp file left', async () => {
  const dir = tempDir();
  const path = join(dir, 'config.yaml');
  const original = bigConfig(10_000);
  writeFileSync(path, original, { mode: 0o600 });
  const child = spawn(process.execPath, [BIN, 'context', 'set-infra', 'm1', '--http-port', '8080'], { env: { ...process.env, RDC_CONFIG: path, NO_COLOR: '1' }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Signalled once it holds the lock: the write is under way.
  while (!existsSync(`${path}.lock`)) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(child.exitCode, null, 'the command was still running when it held the lock');
  child.kill('SIGTERM');
  assert.equal(await exited, 143);
  assert.equal(readFileSync(path, 'utf8'), original, 'the config is byte-identical');
  assert.ok(!existsSync(`${path}.lock`), 'the lock is released');
  assert.deepEqual(readdirSync(dir), ['config.yaml'], 'no temp file is left');
});
