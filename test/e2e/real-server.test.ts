import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { fingerprint } from '../../src/core/config/host-key.js';
import { ROOT } from '../helpers/paths.js';
import { tcpRequest } from '../helpers/repo-bed.js';
import { waitFor } from '../helpers/testbed/ports.js';
import { httpGet } from '../helpers/testbed/http.js';
import { bootHost, startRealSession, type RealHost, type RealSession } from '../helpers/real-server/index.js';

/**
 * The real-server test bed (test/helpers/real-server): Debian 12 hosts with systemd as PID 1,
 * booted by systemd-nspawn in network namespaces of their own, and rdc's first session on one.
 */
describe('real Debian 12 servers booted by the tests', () => {
  let s: RealSession;
  const pinned = (machine: string) =>
    (parse(readFileSync(join(s.dir, 'config.yaml'), 'utf8')) as { contexts: { default: { machines: Record<string, { hostKeys?: string[] }> } } }).contexts.default.machines[machine]?.hostKeys ?? [];

  before(async () => {
    s = await startRealSession('bed');
  });
  after(async () => s?.stop());

  test('systemd is PID 1, docker runs under it, compose v2 and Node.js are installed, the images are loaded', async () => {
    const { host } = s;
    assert.equal((await host.sh('readlink /proc/1/exe')).trim(), '/usr/lib/systemd/systemd');
    assert.equal((await host.sh('systemctl is-active docker ssh')).trim(), 'active\nactive');
    assert.match(await host.sh('docker compose version'), /Docker Compose version v2\./);
    assert.match(await host.sh('node --version'), /^v(1[89]|[2-9]\d)\./);
    assert.match(await host.sh('docker image ls --format "{{.Repository}}:{{.Tag}}"'), /traefik:v3\.7/);
    assert.equal((await host.sh('hostname')).trim(), host.name);
  });

  test('it has its own address, and its default route points at this side', async () => {
    const { host } = s;
    assert.match(host.address, /^10\.213\.\d+\.2$/);
    assert.match(await host.sh('ip -4 route show default'), new RegExp(`default via ${host.gateway.replace(/\./g, '\\.')} dev host0`));
    assert.match(await host.sh('ip -4 -o addr show dev host0'), new RegExp(`inet ${host.address.replace(/\./g, '\\.')}/24`));
  });

  test('deploy has passwordless sudo (no host-name warning); alice\'s sudo asks for a password', async () => {
    const deploy = await s.host.ssh('deploy', 'id -un && sudo -n true && sudo -n id -u');
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.equal(deploy.stdout, 'deploy\n0\n');
    assert.equal(deploy.stderr, '', 'sudo resolves the host name (it is in /etc/hosts)');
    const alice = await s.host.ssh('alice', 'id -un && sudo -n true');
    assert.equal(alice.code, 1);
    assert.equal(alice.stdout, 'alice\n');
    assert.match(alice.stderr, /a password is required/);
  });

  test('rdc context add-machine as deploy pins exactly this host\'s key', async () => {
    const r = await s.addMachine('as-deploy', 'deploy');
    assert.ok(r.stderr.includes(fingerprint(s.host.hostKey)), r.stderr);
    assert.deepEqual(pinned('as-deploy'), [s.host.hostKey]);
  });

  test('a second host boots beside it with its own address and key, and leaves nothing behind when stopped', async () => {
    // With this machine's loop devices passed in: a plain loop image mounts there, and what the
    // host leaves attached is detached when it stops (the machine has only a few).
    const second = await bootHost({ loopDevices: true });
    const image = `/var/tmp/rdc-loop-${second.name}-${process.pid}.img`;
    const attached = () => execFileSync('losetup', ['-l', '-n', '-O', 'BACK-FILE'], { encoding: 'utf8' }).includes(image);
    let stopped = false;
    try {
      assert.notEqual(second.address, s.host.address);
      assert.notEqual(second.hostKey, s.host.hostKey);
      assert.equal((await second.ssh('deploy', 'sudo -n systemctl is-active docker')).stdout.trim(), 'active');
      assert.equal(await second.sh(`truncate -s 32M ${image} && L=$(losetup -f --show ${image}) && mkfs.ext4 -q $L && mkdir -p /mnt/t && mount $L /mnt/t && echo ok > /mnt/t/f && cat /mnt/t/f`), 'ok\n');
      assert.ok(attached(), 'the loop device is attached while the host runs');
      await second.stop();
      stopped = true;
      assert.ok(!attached(), 'stop() detached the loop device the host left attached');
      assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === second.name), 'its namespace is gone');
      assert.ok(!existsSync(`/var/tmp/rdc-test-hosts/${second.name}-${process.pid}`), 'its disk is gone');
      assert.doesNotMatch(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }), new RegExp(`systemd-nspawn .*-M ${second.name} `), 'its nspawn is gone');
    } finally {
      if (!stopped) await second.stop();
    }
  });
});

/**
 * A test process that ends without stopping its host — a crash, or a signal such as the test
 * runner's timeout — leaves nothing running: the safety net kills the container and removes its
 * network and disk.
 */
describe('hosts of a test process that dies are removed anyway', () => {
  const leftovers = (name: string, pid: number) => [
    execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === name) ? 'netns' : '',
    existsSync(`/var/tmp/rdc-test-hosts/${name}-${pid}`) ? 'disk' : '',
    execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(`-M ${name} `) ? 'nspawn' : '',
    execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).includes(`vh-${name}@`) ? 'veth' : '',
  ].filter(Boolean);

  for (const how of ['throw', 'wait'] as const) {
    test(how === 'throw' ? 'an uncaught error' : 'SIGTERM', async () => {
      const child = spawn(process.execPath, [join(ROOT, 'dist/test/helpers/real-server/boot-and-leave.js'), how], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const booted = await waitFor('the child to boot its host', async () => (out.includes('\n') ? JSON.parse(out.split('\n')[0] as string) as { name: string; pid: number } : undefined), 180_000, 200)
        .catch((e: Error) => { child.kill('SIGKILL'); throw new Error(`${e.message}\n${err}`); });
      if (how === 'wait') {
        assert.deepEqual(leftovers(booted.name, booted.pid).sort(), ['disk', 'netns', 'nspawn', 'veth'], 'the host runs while its process lives');
        child.kill('SIGTERM');
      }
      await exited;
      assert.deepEqual(leftovers(booted.name, booted.pid), []);
    });
  }
});

/**
 * The README's first session, as root, on a real server: nothing but rdc commands, then requests
 * from this side to the server's own address, then a reboot with no rdc command after it.
 */
describe('the first session as root on a real server, and a reboot', () => {
  let s: RealSession;
  const domain = 'real.test';
  const ID = 2816;
  const via = (hostHeader: string) => httpGet(s.host.address, 80, '/', hostHeader);
  const dbAnswer = () => s.tcpAnswer(5432, 'GET / HTTP/1.0\r\n\r\n', /db ready at 127\./);
  const repoContainers = () => s.host.sh(`docker -H unix:///var/run/rediacc/docker-${ID}.sock ps -a --format '{{.Names}} {{.Status}}'`);

  before(async () => {
    s = await startRealSession('root');
  });
  after(async () => s?.stop());

  test('add-machine, machine setup, set-infra, push-infra, repo up of the example app', async () => {
    await s.addMachine('srv', 'root');
    await s.ok(['machine', 'setup', 'srv']);
    await s.ok(['context', 'set-infra', 'srv', '--public-ipv4', s.host.address, '--base-domain', domain]);
    await s.ok(['context', 'push-infra', 'srv']);
    const src = s.exampleSource('my-app', `app.${domain}`);
    const up = await s.ok(['repo', 'up', 'my-app', '-m', 'srv', '--path', src, '--mount', '--network-id', String(ID)]);
    assert.ok(up.stdout.includes(`http://web-${ID}.${domain}/`), up.stdout);
    assert.ok(up.stdout.includes(`tcp://${s.host.address}:5432`), up.stdout);
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
    assert.match(await tcpRequest(s.host.address, 5432, 'GET / HTTP/1.0\r\n\r\n'), /db ready at 127\./);
    assert.doesNotMatch(await repoContainers(), /Restarting|Exited/);
    assert.match(await s.host.sh('ss -Hltn'), new RegExp(`${s.host.address.replace(/\./g, '\\.')}:5432\\b`), 'Traefik holds the public address, not *:5432');
  });

  test('push-infra with no address set detects the primary address and shows it in the plan', async () => {
    await s.addMachine('srv-noaddr', 'root');
    const plan = await s.ok(['context', 'push-infra', 'srv-noaddr', '--dry-run']);
    assert.ok(plan.stdout.includes(`Entrypoints bind ${s.host.address}, srv-noaddr's primary address (detected`), plan.stdout);
    const json = await s.ok(['--json', 'context', 'push-infra', 'srv-noaddr', '--dry-run']);
    assert.deepEqual((JSON.parse(json.stdout) as { bind: unknown }).bind, { address: s.host.address, source: 'detected' });
  });

  test('with no address set and no default route, push-infra says what to set and changes nothing', async () => {
    await s.host.sh('ip route del default');
    try {
      const r = await s.rdc(['context', 'push-infra', 'srv-noaddr']);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /Cannot tell which address Traefik should listen on for srv-noaddr: no public address is set and the server has no default route/);
      assert.match(r.stderr, /rdc context set-infra srv-noaddr --public-ipv4 ADDRESS/);
      assert.match(await s.host.sh('cat /opt/rediacc/proxy/traefik/traefik.yml'), new RegExp(`address: ${s.host.address.replace(/\./g, '\\.')}:5432`), 'the live config is srv\'s, untouched');
    } finally {
      await s.host.sh(`ip route add default via ${s.host.gateway}`);
    }
  });

  test('Traefik, the route server and the repo\'s daemon run under systemd', async () => {
    assert.equal((await s.host.sh(`systemctl is-active docker rediacc-router rediacc-repo-${ID}`)).trim(), 'active\nactive\nactive');
    assert.equal((await s.host.sh(`systemctl is-enabled rediacc-router rediacc-repo-${ID}`)).trim(), 'enabled\nenabled');
    assert.match(await s.host.sh('docker ps --format "{{.Image}} {{.Status}}"'), /traefik:v3\.7 Up/);
    const status = JSON.parse((await s.ok(['--json', 'machine', 'status', 'srv'])).stdout) as { traefik: { running: boolean }; router: { supervisedBy: string; httpStatus: number }; findings: unknown[] };
    assert.equal(status.traefik.running, true);
    assert.deepEqual([status.router.supervisedBy, status.router.httpStatus], ['systemd', 200]);
  });

  test('the route server\'s sandbox (ProtectSystem=strict) lets it create and follow renet\'s rollout pins directory', async () => {
    const pins = '/var/lib/rediacc/router/pins';
    assert.equal((await s.host.sh(`stat -c '%a %U' ${pins}`)).trim(), '700 root');
    const web = (await s.host.sh(`docker -H unix:///var/run/rediacc/docker-${ID}.sock ps -q --no-trunc --filter label=rediacc.service_name=web`)).trim();
    assert.match(web, /^[0-9a-f]{64}$/);
    await s.host.sh(`printf '{"services":{"web":"${web}"}}' > ${pins}/.${ID}.tmp && mv ${pins}/.${ID}.tmp ${pins}/${ID}.json`);
    try {
      await waitFor('the route server to log the pin', async () => ((await s.host.sh('journalctl -u rediacc-router --no-pager -o cat')).includes(`pins: web@${ID} → ${web.slice(0, 12)}`) ? true : undefined), 15_000, 250);
      assert.equal((await s.answering(`web-${ID}.${domain}`)).status, 200, 'a pin to the only container changes nothing');
    } finally {
      await s.host.sh(`rm -f ${pins}/${ID}.json`);
    }
  });

  test('after a reboot, with no rdc command, both routes and tcp-5432 answer again', async () => {
    await s.host.reboot({ until: 'ssh' });
    // 120 s as in the sibling reboot suites: after sshd, docker, the proxy, the repo's dockerd, its containers and
    // the route server all still have to come up, which a loaded 2-core machine can stretch past 60 s.
    assert.match((await s.answering(`web-${ID}.${domain}`, 120_000)).body, /Hello from rdc's example app/);
    assert.equal((await s.answering(`app.${domain}`)).status, 200);
    assert.match(await dbAnswer(), /db ready at 127\./);
    assert.equal((await s.host.sh(`systemctl is-active rediacc-router rediacc-repo-${ID}`)).trim(), 'active\nactive');
  });

  test('Traefik started after the db: both bind, tcp-5432 and the routes answer', async () => {
    await s.host.sh('docker restart $(docker ps -q --filter label=io.rediacc.component=proxy)');
    assert.match(await dbAnswer(), /db ready at 127\./);
    assert.equal((await s.answering(`web-${ID}.${domain}`)).status, 200);
    assert.doesNotMatch(await repoContainers(), /Restarting|Exited/);
  });
});

/**
 * The `bare` variant (no docker, compose or Node.js), for `machine setup` on a fresh server: it
 * reaches nothing but this side, and apt goes through the proxy the bed runs there.
 */
describe('a bare server installs packages through the apt proxy on this side', () => {
  let host: RealHost;
  before(async () => {
    host = await bootHost({ variant: 'bare' });
  });
  after(async () => host?.stop());

  test('no docker, compose or node; apt-get update and install work as deploy through the proxy', async () => {
    assert.equal((await host.ssh('root', 'command -v docker node dockerd')).stdout, '');
    assert.match(await host.sh('cat /etc/apt/apt.conf.d/01rdc-test-proxy'), new RegExp(`http://${host.gateway.replace(/\./g, '\\.')}:\\d+`));
    const r = await host.ssh('deploy', 'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null && busybox --help | head -1',
      { timeoutMs: 300_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /BusyBox v1\./);
  });
});
