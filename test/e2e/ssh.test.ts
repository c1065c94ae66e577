import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { command } from '../../src/rdc/remote/command.js';
import { fingerprint } from '../../src/core/config/host-key.js';
import { SshError } from '../../src/rdc/remote/ssh-errors.js';
import { SshRunner } from '../../src/rdc/remote/ssh-runner.js';
import { cliWithConfig } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { freePort } from '../helpers/testbed/ports.js';
import { startSshd, type Sshd } from '../helpers/testbed/sshd.js';

/** The SSH layer against a real OpenSSH server on loopback: scanning, pinning, verifying, failing. */
describe('SSH to a real sshd', () => {
  const dir = tempDir('rdc-e2e-ssh-');
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);
  let sshd: Sshd;
  const target = () => ({ machine: 'server-1', host: '127.0.0.1', port: sshd.port, user: 'root', keyPath: sshd.clientKey, pinnedKeys: pinned() });
  const pinned = () => (parse(readFileSync(configPath, 'utf8')) as { contexts: { default: { machines: Record<string, { hostKeys?: string[] }> } } }).contexts.default.machines['server-1']?.hostKeys ?? [];

  before(async () => {
    sshd = await startSshd(join(dir, 'sshd'));
  });
  after(async () => sshd?.stop());

  test('add-machine connects once, prints the fingerprint and pins the key', async () => {
    const r = await rdc(['context', 'add-machine', 'server-1', '--ip', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--ssh-key', sshd.clientKey]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(fingerprint(sshd.hostKey)), `fingerprint shown: ${r.stderr}`);
    assert.deepEqual(pinned(), [sshd.hostKey]);
    assert.doesNotMatch(sshd.output(), /Accepted publickey|Failed publickey/, 'a scan sends no credential');
  });

  test('commands run over the pinned connection; hostile values arrive byte for byte', async () => {
    const runner = await SshRunner.connect(target(), {});
    try {
      for (const value of [`it's`, '$(id)', '`id`', 'a;echo pwned', 'line1\nline2', '"q"', '']) {
        const r = await runner.run(command('echo a value', ['printf', '%s', value]));
        assert.equal(r.stdout, value);
      }
      const stdin = await runner.run(command('read stdin', ['cat'], { stdin: 'work as JSON {"token":"x"}' }));
      assert.equal(stdin.stdout, 'work as JSON {"token":"x"}');
      await assert.rejects(runner.run(command('a failing step', ['sh', '-c', 'echo first >&2; echo last words >&2; exit 7'])), (err: Error) => {
        assert.match(err.message, /a failing step failed on server-1 \(root@127\.0\.0\.1:\d+\) \(exit 7\):\n {2}first\n {2}last words/);
        return true;
      });
    } finally {
      runner.close();
    }
  });

  test('a changed host key is refused before anything is sent; scan-keys re-pins it', async () => {
    const port = sshd.port;
    await sshd.stop();
    sshd = await startSshd(join(dir, 'sshd'), { hostKeyName: 'host_ed25519_new', port });
    await assert.rejects(SshRunner.connect(target(), {}), (err: SshError) => {
      assert.equal(err.kind, 'host-key-changed');
      assert.match(err.message, /does not match the pinned key: refused, nothing was sent/);
      assert.match(err.hint ?? '', /rdc context scan-keys server-1/);
      return true;
    });
    assert.doesNotMatch(sshd.output(), /publickey/, 'no authentication was attempted');
    const r = await rdc(['context', 'scan-keys', 'server-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Pinned the host key of server-1: ${fingerprint(sshd.hostKey).replace(/[+/]/g, '\\$&')} \\(was SHA256:`));
    const runner = await SshRunner.connect(target(), {});
    assert.equal((await runner.run(command('hostname', ['true']))).code, 0);
    runner.close();
    assert.match((await rdc(['context', 'scan-keys', 'server-1'])).stdout, /unchanged/);
  });

  test('wrong user or wrong key: a clear authentication message', async () => {
    for (const t of [{ ...target(), user: 'nobody' }, { ...target(), keyPath: join(sshd.dir, 'host_ed25519') }]) {
      await assert.rejects(SshRunner.connect(t, {}), (err: SshError) => err.kind === 'auth' && /Cannot log in to server-1/.test(err.message));
    }
  });

  test('a machine that is down fails clearly and quickly', async () => {
    const closed = await freePort();
    const r = await rdc(['context', 'add-machine', 'down-1', '--ip', '127.0.0.1', '--port', String(closed), '--user', 'root']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Connection refused by down-1 \(root@127\.0\.0\.1:\d+\): nothing listens on that port/);
    assert.doesNotMatch(readFileSync(configPath, 'utf8'), /down-1/, 'nothing registered');

    // Something accepts the connection but never speaks SSH: the handshake timeout ends the wait (how long it takes is the bench's business).
    const mute = createServer(() => undefined);
    await new Promise<void>((res) => mute.listen(0, '127.0.0.1', () => res()));
    try {
      const { port } = mute.address() as { port: number };
      await assert.rejects(SshRunner.connect({ ...target(), port }, { RDC_SSH_TIMEOUT_MS: '1500' }), (err: SshError) => err.kind === 'timeout' && /Timed out connecting to server-1/.test(err.message));
    } finally {
      mute.close();
    }
  });

  test('a machine without a pinned key is not connected to', async () => {
    assert.equal((await rdc(['context', 'add-machine', 'unpinned', '--ip', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--no-scan'])).code, 0);
    await assert.rejects(SshRunner.connect({ ...target(), machine: 'unpinned', pinnedKeys: [] }, {}), (err: SshError) => err.kind === 'host-key-unpinned' && /scan-keys unpinned/.test(err.hint ?? ''));
  });
});
