import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { fingerprint } from '../../src/remote/host-key.js';
import { cliWithConfig } from '../helpers/run-cli.js';
import { bootHost, type RealHost } from '../helpers/real-server/index.js';

/**
 * The real-server test bed (test/helpers/real-server): Debian 12 hosts with systemd as PID 1,
 * booted by systemd-nspawn in network namespaces of their own, and rdc's first session on one.
 */
describe('real Debian 12 servers booted by the tests', () => {
  let host: RealHost;
  const dir = mkdtempSync(join(tmpdir(), 'rdc-e2e-real-'));
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);
  const pinned = (machine: string) =>
    (parse(readFileSync(configPath, 'utf8')) as { contexts: { default: { machines: Record<string, { hostKeys?: string[] }> } } }).contexts.default.machines[machine]?.hostKeys ?? [];

  before(async () => {
    host = await bootHost();
  });
  after(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('systemd is PID 1, docker runs under it, compose v2 and Node.js are installed, the images are loaded', async () => {
    assert.equal((await host.sh('readlink /proc/1/exe')).trim(), '/usr/lib/systemd/systemd');
    assert.equal((await host.sh('systemctl is-active docker ssh')).trim(), 'active\nactive');
    assert.match(await host.sh('docker compose version'), /Docker Compose version v2\./);
    assert.match(await host.sh('node --version'), /^v(1[89]|[2-9]\d)\./);
    assert.match(await host.sh('docker image ls --format "{{.Repository}}:{{.Tag}}"'), /traefik:v3\.7/);
    assert.equal((await host.sh('hostname')).trim(), host.name);
  });

  test('it has its own address, and its default route points at this side', async () => {
    assert.match(host.address, /^10\.213\.\d+\.2$/);
    const route = await host.sh('ip -4 route show default');
    assert.match(route, new RegExp(`default via ${host.gateway.replace(/\./g, '\\.')} dev host0`));
    assert.match(await host.sh('ip -4 -o addr show dev host0'), new RegExp(`inet ${host.address.replace(/\./g, '\\.')}/24`));
  });

  test('deploy has passwordless sudo (no host-name warning); alice\'s sudo asks for a password', async () => {
    const deploy = await host.ssh('deploy', 'id -un && sudo -n true && sudo -n id -u');
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.equal(deploy.stdout, 'deploy\n0\n');
    assert.equal(deploy.stderr, '', 'sudo resolves the host name (it is in /etc/hosts)');
    const alice = await host.ssh('alice', 'id -un && sudo -n true');
    assert.equal(alice.code, 1);
    assert.equal(alice.stdout, 'alice\n');
    assert.match(alice.stderr, /a password is required/);
  });

  test('rdc context add-machine as deploy pins exactly this host\'s key', async () => {
    const r = await rdc(['context', 'add-machine', 'as-deploy', '--ip', host.address, '--user', 'deploy', '--ssh-key', host.clientKey]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(fingerprint(host.hostKey)), r.stderr);
    assert.deepEqual(pinned('as-deploy'), [host.hostKey]);
  });

  test('a second host boots beside it with its own address and key, and leaves nothing behind when stopped', async () => {
    const second = await bootHost();
    let stopped = false;
    try {
      assert.notEqual(second.address, host.address);
      assert.notEqual(second.hostKey, host.hostKey);
      assert.equal((await second.ssh('deploy', 'sudo -n systemctl is-active docker')).stdout.trim(), 'active');
      await second.stop();
      stopped = true;
      assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === second.name), 'its namespace is gone');
      assert.ok(!existsSync(`/var/tmp/rdc-test-hosts/${second.name}-${process.pid}`), 'its disk is gone');
      assert.doesNotMatch(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }), new RegExp(`systemd-nspawn .*-M ${second.name} `), 'its nspawn is gone');
    } finally {
      if (!stopped) await second.stop();
    }
  });
});
