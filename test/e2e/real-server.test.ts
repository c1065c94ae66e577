import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { fingerprint } from '../../src/remote/host-key.js';
import { ROOT } from '../helpers/paths.js';
import { tcpRequest } from '../helpers/repo-bed.js';
import { cliWithConfig } from '../helpers/run-cli.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';
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

/**
 * The README's first session, as root, on a real server: nothing but rdc commands, then requests
 * from this side to the server's own address, then a reboot with no rdc command after it.
 */
describe('the first session as root on a real server, and a reboot', () => {
  let host: RealHost;
  const dir = mkdtempSync(join(tmpdir(), 'rdc-e2e-real-root-'));
  const rdc = cliWithConfig(join(dir, 'config.yaml'), dir);
  const domain = 'real.test';
  const ID = 2816;
  const ok = (r: { code: number; stdout: string; stderr: string }) => assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const via = (hostHeader: string) => httpGet(host.address, 80, '/', hostHeader);
  const answering = (hostHeader: string) => waitFor(`${hostHeader} answering`, async () => {
    const r = await via(hostHeader).catch(() => undefined);
    return r?.status === 200 ? r : undefined;
  }, 60_000, 250);

  const dbAnswer = () => waitFor('tcp-5432 answering', async () => {
    const r = await tcpRequest(host.address, 5432, 'GET / HTTP/1.0\r\n\r\n').catch(() => '');
    return r.includes('db ready') ? r : undefined;
  }, 60_000, 250);

  before(async () => {
    host = await bootHost();
  });
  after(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('add-machine, machine setup, set-infra, push-infra, repo up of the example app', async () => {
    ok(await rdc(['context', 'add-machine', 'srv', '--ip', host.address, '--user', 'root', '--ssh-key', host.clientKey]));
    const setup = await rdc(['machine', 'setup', 'srv']);
    ok(setup);
    ok(await rdc(['context', 'set-infra', 'srv', '--public-ipv4', host.address, '--base-domain', domain]));
    ok(await rdc(['context', 'push-infra', 'srv']));
    const src = join(dir, 'my-app');
    cpSync(join(ROOT, 'templates/example-app'), src, { recursive: true });
    writeFileSync(join(src, '.env'), `APP_HOST=app.${domain}\n`);
    const up = await rdc(['repo', 'up', 'my-app', '-m', 'srv', '--path', src, '--mount', '--network-id', String(ID)]);
    ok(up);
    assert.ok(up.stdout.includes(`http://web-${ID}.${domain}/`), up.stdout);
  });

  test('the auto route and the Host() route answer at the server\'s own address', async () => {
    const web = await via(`web-${ID}.${domain}`);
    assert.equal(web.status, 200);
    assert.match(web.body, /Hello from rdc's example app/);
    const app = await via(`app.${domain}`);
    assert.equal(app.status, 200);
    assert.equal(app.headers['strict-transport-security'], 'max-age=15768000; includeSubDomains');
  });

  test('tcp-5432 answers beside the db, which binds its own 127.x address on 5432 (Traefik started first)', async () => {
    assert.match(await tcpRequest(host.address, 5432, 'GET / HTTP/1.0\r\n\r\n'), /db ready at 127\./);
    assert.doesNotMatch(await host.sh(`docker -H unix:///var/run/rediacc/docker-${ID}.sock ps -a --format '{{.Names}} {{.Status}}'`), /Restarting|Exited/);
    assert.match(await host.sh('ss -Hltn'), new RegExp(`${host.address.replace(/\./g, '\\.')}:5432\\b`), 'Traefik holds the public address, not *:5432');
  });

  test('push-infra with no address set detects the primary address and shows it in the plan', async () => {
    ok(await rdc(['context', 'add-machine', 'srv-noaddr', '--ip', host.address, '--user', 'root', '--ssh-key', host.clientKey]));
    const plan = await rdc(['context', 'push-infra', 'srv-noaddr', '--dry-run']);
    ok(plan);
    assert.ok(plan.stdout.includes(`Entrypoints bind ${host.address}, srv-noaddr's primary address (detected`), plan.stdout);
    const json = await rdc(['--json', 'context', 'push-infra', 'srv-noaddr', '--dry-run']);
    assert.deepEqual((JSON.parse(json.stdout) as { bind: unknown }).bind, { address: host.address, source: 'detected' });
  });

  test('Traefik, the route server and the repo\'s daemon run under systemd', async () => {
    assert.equal((await host.sh(`systemctl is-active docker rediacc-router rediacc-repo-${ID}`)).trim(), 'active\nactive\nactive');
    assert.equal((await host.sh(`systemctl is-enabled rediacc-router rediacc-repo-${ID}`)).trim(), 'enabled\nenabled');
    assert.match(await host.sh('docker ps --format "{{.Image}} {{.Status}}"'), /traefik:v3\.7 Up/);
  });

  test('after a reboot, with no rdc command, both routes answer again', async () => {
    await host.reboot({ until: 'ssh' });
    assert.match((await answering(`web-${ID}.${domain}`)).body, /Hello from rdc's example app/);
    assert.equal((await answering(`app.${domain}`)).status, 200);
    assert.match(await dbAnswer(), /db ready at 127\./);
    assert.equal((await host.sh(`systemctl is-active rediacc-router rediacc-repo-${ID}`)).trim(), 'active\nactive');
  });

  test('Traefik started after the db: both bind, tcp-5432 and the routes answer', async () => {
    await host.sh('docker restart $(docker ps -q --filter label=io.rediacc.component=proxy)');
    assert.match(await dbAnswer(), /db ready at 127\./);
    assert.equal((await answering(`web-${ID}.${domain}`)).status, 200);
    assert.doesNotMatch(await host.sh(`docker -H unix:///var/run/rediacc/docker-${ID}.sock ps -a --format '{{.Names}} {{.Status}}'`), /Restarting|Exited/);
  });
});
