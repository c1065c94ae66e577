import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveAlias } from '../../src/rdc/remote/ssh-target.js';
import { tempDir } from '../helpers/temp-dir.js';

test('a Host alias of ~/.ssh/config gives HostName, Port (when rdc has the default) and IdentityFile', async () => {
  const home = tempDir('rdc-sshcfg-');
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'config'), 'Host prod\n  HostName 203.0.113.50\n  Port 2222\n  IdentityFile ~/.ssh/prod_ed25519\n\nHost *\n  ServerAliveInterval 30\n');
  const base = { machine: 'p', host: 'prod', port: 22, user: 'deploy', keyPath: undefined, pinnedKeys: [] };
  assert.deepEqual(await resolveAlias(base, { HOME: home }), { ...base, host: '203.0.113.50', port: 2222, keyPath: join(home, '.ssh/prod_ed25519') });
  // What rdc was told explicitly wins over the file.
  assert.deepEqual(await resolveAlias({ ...base, port: 2200, keyPath: '/keys/k' }, { HOME: home }), { ...base, host: '203.0.113.50', port: 2200, keyPath: '/keys/k' });
  // Not an alias, or no config: unchanged.
  assert.deepEqual(await resolveAlias({ ...base, host: '198.51.100.7' }, { HOME: home }), { ...base, host: '198.51.100.7' });
  assert.deepEqual(await resolveAlias(base, { HOME: join(home, 'nowhere') }), base);
});

test('values of ~/.ssh/config go through the same checks: a bad Port or a numeric-form HostName is refused, named', async () => {
  const home = tempDir('rdc-sshcfg-');
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'config'), 'Host badport\n  Port 99999\n\nHost octal\n  HostName 0177.0.0.1\n');
  const base = { machine: 'p', host: 'badport', port: 22, user: 'deploy', keyPath: undefined, pinnedKeys: [] };
  await assert.rejects(resolveAlias(base, { HOME: home }), /~\/\.ssh\/config \(Host badport\): Port "99999" is not a port/);
  await assert.rejects(resolveAlias({ ...base, host: 'octal' }, { HOME: home }), /~\/\.ssh\/config \(Host octal\): HostName "0177\.0\.0\.1" is not an IPv4 address in dotted-quad decimal/);
});
