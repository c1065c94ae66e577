import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { serviceIp } from '../../src/core/infra/network.js';
import { BIN } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd } from '../helpers/testbed/dockerd.js';
import { CloudflareApi } from '../helpers/cloudflare-api.js';
import { runCli } from '../helpers/run-cli.js';
import { getJson, httpGet, tcpExchange } from '../helpers/testbed/http.js';
import { distinctFreePorts, privateLoopback, waitFor } from '../helpers/testbed/ports.js';
import { startTestServer, type TestServer } from '../helpers/testbed/server.js';
import { startSshd, type Sshd } from '../helpers/testbed/sshd.js';

const TOKEN = 'cfTokenE2eSecret0123456789abcdef';
const FILES = ['etc/rediacc/router.json', 'etc/systemd/system/rediacc-router.service', 'opt/rediacc/proxy/config.env', 'opt/rediacc/proxy/docker-compose.yml',
  'opt/rediacc/proxy/traefik/dynamic/rediacc-defaults.yml', 'opt/rediacc/proxy/traefik/traefik.yml'];

function applyRunning(rootPrefix: string): boolean {
  const needle = `${rootPrefix}/opt/rediacc/bin/renet.cjs\0infra\0apply`;
  return readdirSync('/proc').some((pid) => {
    try {
      return /^[0-9]+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false;
    }
  });
}

/** push-infra for real: real sshd, a server whose root prefix holds a quote and `$(…)`, its own host dockerd, real Traefik. */
describe('push-infra over SSH', () => {
  // Hostile characters in every server path: they must never reach a shell unquoted.
  const dir = mkdtempSync(join(tmpdir(), "rdc-e2e-push-it's-$(touch${IFS}rdc-pwned)-"));
  const sshdDir = mkdtempSync(join(tmpdir(), 'rdc-e2e-push-sshd-'));
  const configPath = join(dir, 'config.yaml');
  // With a token, push-infra also syncs DNS: against the local API stand-in, never the internet.
  const cloudflare = new CloudflareApi();
  const env: NodeJS.ProcessEnv = { ...process.env, RDC_CONFIG: configPath, HOME: '/nonexistent-home', NO_COLOR: '1' };
  const rdc = (args: string[], stdin?: string) => runCli(args, { env: { RDC_CONFIG: configPath, HOME: '/nonexistent-home', RDC_CLOUDFLARE_BASE_URL: env.RDC_CLOUDFLARE_BASE_URL ?? '' }, stdin, cwd: dir });
  const listen = privateLoopback();
  let sshd: Sshd;
  let server: TestServer;
  const ports = { http: 0, https: 0, router: 0, api: 0 };

  const live = (root = server.rootPrefix) => FILES.map((f) => (existsSync(join(root, f)) ? createHash('sha256').update(readFileSync(join(root, f))).digest('hex') : '-'));
  const rendered = async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdc-e2e-render-'));
    assert.equal((await rdc(['context', 'push-infra', 's1', '--output', out])).code, 0);
    const hashes = live(out);
    rmSync(out, { recursive: true, force: true });
    return hashes;
  };
  const sessions = () => (sshd.output().match(/Starting session: command/g) ?? []).length;
  /** The server side is settled: no lock and no `renet infra apply` of this server running, for 500 ms in a row. */
  const serverIdle = async () => {
    let quietSince = Date.now();
    await waitFor('the server-side apply to finish', async () => {
      const busy = existsSync(join(server.rootPrefix, 'opt/rediacc/infra/lock')) || applyRunning(server.rootPrefix);
      if (busy) quietSince = Date.now();
      return Date.now() - quietSince >= 500 ? true : undefined;
    }, 30_000, 25);
  };
  const pushProcess = (extraEnv: Record<string, string> = {}) => spawn(process.execPath, [BIN, 'context', 'push-infra', 's1'], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const finished = (child: ReturnType<typeof spawn>) => new Promise<{ code: number | null; out: string }>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });

  before(async () => {
    env.RDC_CLOUDFLARE_BASE_URL = await cloudflare.start();
    cloudflare.tokens.set(TOKEN, { zones: [cloudflare.addZone('push.test')], edit: true });
    sshd = await startSshd(sshdDir);
    server = await startTestServer(dir);
    const port = distinctFreePorts();
    Object.assign(ports, { http: await port(), https: await port(), router: await port(), api: await port() });
    const add = await rdc(['context', 'add-machine', 's1', '--ip', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--ssh-key', sshd.clientKey, '--root-prefix', server.rootPrefix]);
    assert.equal(add.code, 0, add.stderr);
    const set = await rdc(['context', 'set-infra', 's1', '--public-ipv4', listen, '--listen-address', listen, '--base-domain', 'push.test',
      '--http-port', String(ports.http), '--https-port', String(ports.https), '--route-server-port', String(ports.router), '--api-port', String(ports.api)]);
    assert.equal(set.code, 0, set.stderr);
  });

  after(async () => {
    const results = await Promise.allSettled([server?.stop(), sshd?.stop(), cloudflare.stop()]);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    rmSync(sshdDir, { recursive: true, force: true });
    for (const where of ['rdc-pwned', '/root/rdc-pwned', '/rdc-pwned']) assert.ok(!existsSync(where), `no command substitution ran (${where})`);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  });

  test('machine setup finds docker, compose and node, creates the server directories, and is idempotent', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await rdc(['machine', 'setup', 's1']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /s1 is ready \(nothing installed\); server directories in place/);
      assert.match(r.stdout, /docker\s+present\s+Docker Engine/);
      assert.match(r.stdout, /node\s+present\s+Node\.js v/);
    }
    for (const d of ['opt/rediacc/bin', 'var/lib/rediacc/router', 'var/run/rediacc', 'mnt/rediacc']) assert.ok(existsSync(join(server.rootPrefix, d)), d);
  });

  test('the first push installs renet, starts Traefik with our config and the route server, and verifies', async () => {
    const r = await rdc(['context', 'push-infra', 's1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Pushed the infra of s1: 6 file\(s\) changed; proxy started; route server started; renet installed/);
    assert.match(r.stdout, /Verified: Traefik running, route server \/health 200/);
    assert.deepEqual(live(), await rendered());
    // The push checks that the container runs; Traefik binds its entrypoints a moment later.
    const unknown = await waitFor('Traefik on its web entrypoint', () => httpGet(listen, ports.http, '/', 'nobody.push.test'));
    assert.equal(unknown.status, 404, 'Traefik\'s 404 for an unknown host');
    const staticConfig = parse(readFileSync(join(server.rootPrefix, 'opt/rediacc/proxy/traefik/traefik.yml'), 'utf8')) as { entryPoints: Record<string, unknown> };
    const eps = await waitFor('Traefik\'s API', () => getJson<{ name: string }[]>('127.0.0.1', ports.api, '/api/entrypoints'));
    assert.deepEqual(eps.json.map((e) => e.name).sort(), Object.keys(staticConfig.entryPoints).sort(), 'every rendered entrypoint is live');
    const overview = await getJson<{ providers: string[] }>('127.0.0.1', ports.api, '/api/overview');
    const providers = overview.json.providers.map((p) => p.toLowerCase());
    assert.ok(providers.includes('file') && !providers.includes('http'), `the file provider only, Traefik polls nothing: ${overview.json.providers}`);
    const routers = await getJson<{ status: string }[]>('127.0.0.1', ports.api, '/api/http/routers');
    assert.deepEqual(routers.json.filter((x) => x.status !== 'enabled'), [], 'no router in error');
    assert.equal((await httpGet('127.0.0.1', ports.router, '/health')).status, 200);
  });

  test('a second push changes nothing, restarts nothing, and runs one command', async () => {
    const container = () => server.hostDocker.docker('ps', '-q', '--no-trunc');
    const supervisor = () => readFileSync(join(server.rootPrefix, 'var/run/rediacc/router-supervisor.pid'), 'utf8');
    const [c0, s0, n0] = [await container(), supervisor(), sessions()];
    const r = await rdc(['context', 'push-infra', 's1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /up to date: nothing changed, nothing restarted/);
    assert.equal(await container(), c0, 'Traefik was not recreated');
    assert.equal(supervisor(), s0, 'the route server was not restarted');
    assert.equal(sessions() - n0, 1, 'one remote command');
  });

  test('the token reaches only the 0600 env file: never output, logs or any process\'s arguments', async () => {
    assert.equal((await rdc(['context', 'set-infra', 's1', '--cert-email', 'ops@push.test', '--cf-dns-token', '-'], TOKEN)).code, 0);
    const seen: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push(await new Promise<string>((res) => execFile('ps', ['-eo', 'args'], (_, out) => res(out))));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const logins = () => (sshd.output().match(/Accepted publickey/g) ?? []).length;
    const loginsBefore = logins();
    const r = await rdc(['context', 'push-infra', 's1']);
    sampling = false;
    await sampler;
    assert.equal(logins() - loginsBefore, 1, 'one SSH connection for the push and its DNS sync');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seen.length > 10, `ps sampled ${seen.length} times`);
    assert.ok(!seen.some((s) => s.includes(TOKEN)), 'the token was in a process argument');
    assert.ok(!(r.stdout + r.stderr).includes(TOKEN));
    assert.ok(!sshd.output().includes(TOKEN));
    assert.ok(!readFileSync(join(server.rootPrefix, 'var/log/rediacc/router.log'), 'utf8').includes(TOKEN));
    const envFile = join(server.rootPrefix, 'opt/rediacc/proxy/config.env');
    assert.equal(statSync(envFile).mode & 0o777, 0o600);
    assert.match(readFileSync(envFile, 'utf8'), new RegExp(`^CF_DNS_API_TOKEN=${TOKEN}$`, 'm'));
    assert.match(r.stdout, /proxy updated/, 'Traefik was recreated with the resolver');
    assert.match(r.stdout, /DNS \(Cloudflare\): 1 to create, 0 to update, 0 to delete, 0 unchanged, 0 conflict\(s\)/, 'push-infra syncs DNS when a token is set');
    assert.deepEqual([...cloudflare.records.values()].map((x) => `${x.type} ${x.name} ${x.content}`), [`A *.push.test ${listen}`]);
  });

  test('a connection cut at a random point leaves the old or the new config, never a mix; the next push converges', async () => {
    for (let i = 0; i < 5; i++) {
      const old = live();
      assert.equal((await rdc(['context', 'set-infra', 's1', '--tcp-ports', String(20000 + i)])).code, 0);
      const fresh = await rendered();
      const child = pushProcess();
      const done = finished(child);
      await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 1500)));
      child.kill('SIGKILL');
      await done;
      await serverIdle();
      const now = live();
      assert.ok(JSON.stringify(now) === JSON.stringify(old) || JSON.stringify(now) === JSON.stringify(fresh), `round ${i}: the live files are a mix of old and new`);
    }
    const r = await rdc(['context', 'push-infra', 's1']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(live(), await rendered());
  });

  test('two pushes at once: the second waits for the lock, both succeed', async () => {
    assert.equal((await rdc(['context', 'set-infra', 's1', '--tcp-ports', '21000'])).code, 0);
    const [a, b] = await Promise.all([finished(pushProcess()), finished(pushProcess())]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    assert.deepEqual(live(), await rendered());
  });

  test('a push that cannot get the lock in time says so', async () => {
    const lock = join(server.rootPrefix, 'opt/rediacc/infra/lock');
    mkdirSync(lock);
    execFileSync('sh', ['-c', `echo ${process.pid} > "$1"`, 'sh', join(lock, 'pid')]);
    assert.equal((await rdc(['context', 'set-infra', 's1', '--tcp-ports', '21001'])).code, 0);
    try {
      const r = await finished(pushProcess({ RDC_PUSH_LOCK_TIMEOUT_MS: '800' }));
      assert.equal(r.code, 1);
      assert.match(r.out, /another push to this machine is still running \(lock .* held by PID \d+\)/);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  });

  test('machine routes, ports and status show the deployed routes and name a backend that refuses connections', async () => {
    const id = 2816 + 64 * (5200 + Math.floor(Math.random() * 800));
    const repo = await startDockerd(join(server.rootPrefix, `var/run/rediacc/docker-${id}.sock`), join(dir, 'repo-dockerd'));
    try {
      await importBusybox(repo);
      const run = (name: string, slot: number, labels: Record<string, string>, port: string) => repo.docker('run', '-d', '--init', '--network', 'host', '--name', name,
        ...Object.entries({ 'rediacc.service_name': name, 'rediacc.service_ip': serviceIp(id, slot), 'rediacc.network_id': String(id), ...labels }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        '-e', `BIND=${serviceIp(id, slot)}`, '-e', `PORT=${port}`, BUSYBOX_IMAGE);
      await run('web', 0, { 'rediacc.service_port': '8080' }, '8080');
      await run('broken', 1, { 'rediacc.service_port': '9999' }, '8080');
      await run('db', 2, { 'rediacc.tcp_ports': '5432' }, '5432');
      const routes = await waitFor('the routes over SSH', async () => {
        const r = await rdc(['--json', 'machine', 'routes', 's1']);
        const rows = (JSON.parse(r.stdout) as { routes: { router: string; networkId: number; level: number; backend: string; match: string }[] }).routes;
        return rows.length >= 3 ? rows : undefined;
      });
      assert.deepEqual(routes.filter((x) => x.networkId === id).map((x) => `${x.match} -> ${x.backend} (level ${x.level})`).sort(), [
        `broken-${id}.push.test -> http://${serviceIp(id, 1)}:9999 (level 1)`,
        `tcp-5432 -> ${serviceIp(id, 2)}:5432 (level 1)`,
        `web-${id}.push.test -> http://${serviceIp(id, 0)}:8080 (level 1)`,
      ]);
      const table = await rdc(['machine', 'routes', 's1']);
      const ip = (slot: number) => serviceIp(id, slot).replace(/\./g, '\\.');
      assert.match(table.stdout, new RegExp(`http\\s+web-${id}\\.push\\.test\\s+http://${ip(0)}:8080\\s+${id}\\s+1`));
      const portsOut = await rdc(['machine', 'ports', 's1']);
      assert.match(portsOut.stdout, new RegExp(`tcp\\s+5432\\s+tcp-5432\\s+${id}\\s+db\\s+${ip(2)}:5432`));
      // Traefik runs in the proxy container with the dynamic directory bind-mounted: its watcher
      // sees the route server's renames there (the file is replaced, the directory stays).
      // (HTTP routes sit on websecure once a token is set, with no certificate here: the TCP route
      // and Traefik's API show it instead.)
      const db = await waitFor('db through the proxy container', async () => {
        const reply = await tcpExchange(listen, 5432, 'GET / HTTP/1.0\r\n\r\n').catch(() => '');
        return reply.includes('hello from') ? reply : undefined;
      });
      assert.match(db, /^HTTP\/1\.[01] 200/);
      const router = await getJson<{ status: string; provider: string }>('127.0.0.1', ports.api, `/api/http/routers/auto-web-${id}@file`);
      assert.equal(router.json.status, 'enabled');
      const traefikContainer = (await server.hostDocker.docker('ps', '-q', '--filter', 'label=io.rediacc.component=proxy')).trim().split('\n')[0] ?? '';
      const mounts = JSON.parse(await server.hostDocker.docker('inspect', '-f', '{{json .Mounts}}', traefikContainer)) as { Source: string; Destination: string }[];
      assert.deepEqual(mounts.filter((m) => m.Destination === '/etc/traefik').map((m) => m.Source), [join(server.rootPrefix, 'opt/rediacc/proxy/traefik')], 'the directory is bind-mounted, not the file');
      await waitFor('status to show the file loaded', async () => ((await rdc(['machine', 'status', 's1'])).stdout.match(/routes in Traefik\s+loaded \d{4}-/) ? true : undefined));
      const status = await rdc(['machine', 'status', 's1']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /Traefik\s+running \(traefik:v3\.7\)/);
      assert.match(status.stdout, /route server\s+healthy, \d+ routers/);
      assert.match(status.stdout, new RegExp(`auto-broken-${id} → ${ip(1)}:9999 refuses connections: requests get 502 Bad Gateway\\. Make container broken of repo ${id} listen`));
      assert.doesNotMatch(status.stdout, new RegExp(`auto-web-${id} →`), 'the healthy backend is not reported');
    } finally {
      await repo.stop();
    }
  });

  test('a routes file Traefik rejects is a status finding with Traefik\'s own error, and new routes wait for the fix', async () => {
    const id = 2816 + 64 * (5200 + Math.floor(Math.random() * 800));
    const repo = await startDockerd(join(server.rootPrefix, `var/run/rediacc/docker-${id}.sock`), join(dir, 'rd2'));
    const broken = join(server.rootPrefix, 'opt/rediacc/proxy/traefik/dynamic/zz-hand-edited.yml');
    try {
      await importBusybox(repo);
      writeFileSync(broken, 'http:\n  routers:\n    mine:\n      nosuchkey: 1\n');
      await new Promise((r) => setTimeout(r, 500));
      await repo.docker('run', '-d', '--init', '--network', 'host', '--name', 'late',
        ...Object.entries({ 'rediacc.service_name': 'late', 'rediacc.service_ip': serviceIp(id, 0), 'rediacc.network_id': String(id), 'rediacc.service_port': '8080' }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        '-e', `BIND=${serviceIp(id, 0)}`, '-e', 'PORT=8080', BUSYBOX_IMAGE);
      const status = await waitFor('status to name the rejected file', async () => {
        const r = await rdc(['machine', 'status', 's1']);
        return /Traefik is not serving what the route server published/.test(r.stdout) ? r : undefined;
      }, 30_000, 500);
      assert.match(status.stdout, new RegExp(`1 published router\\(s\\) not loaded \\(http/auto-late-${id}\\)`));
      assert.match(status.stdout, /Traefik logged: .*zz-hand-edited\.yml: field not found, node: nosuchkey/);
      assert.match(status.stdout, /routes in Traefik\s+NOT loaded/);
      const lateRouter = () => getJson<{ status: string }>('127.0.0.1', ports.api, `/api/http/routers/auto-late-${id}@file`);
      assert.equal((await lateRouter()).status, 404, 'Traefik does not have the new router');
      rmSync(broken, { force: true });
      await waitFor('Traefik to load late once the bad file is gone', async () => ((await lateRouter()).status === 200 ? true : undefined));
      await waitFor('status without the finding', async () => (/Traefik is not serving/.test((await rdc(['machine', 'status', 's1'])).stdout) ? undefined : true), 20_000, 500);
    } finally {
      rmSync(broken, { force: true });
      await repo.stop();
    }
  });

  test('a machine without a pinned key is never connected to', async () => {
    assert.equal((await rdc(['context', 'add-machine', 'unpinned', '--ip', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--no-scan'])).code, 0);
    const n0 = sshd.output().length;
    const r = await rdc(['context', 'push-infra', 'unpinned']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No host key is pinned for unpinned[\s\S]*rdc context scan-keys unpinned/);
    assert.equal(sshd.output().length, n0, 'no connection was made');
  });
});
