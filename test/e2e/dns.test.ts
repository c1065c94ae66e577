import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serviceIp } from '../../src/core/infra/network.js';
import { marker } from '../../src/core/plan/dns-plan.js';
import { CloudflareApi } from '../helpers/cloudflare-api.js';
import { runCli } from '../helpers/run-cli.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { distinctFreePorts, freePort, privateLoopback, waitFor } from '../helpers/testbed/ports.js';
import { startTestServer, type TestServer } from '../helpers/testbed/server.js';
import { startSshd, type Sshd } from '../helpers/testbed/sshd.js';

const GOOD = 'cfGoodToken0123456789abcdefABCDEF';

/** `rdc dns sync|list` with the real SDK against the local v4 API, hosts read from a real route server over SSH. */
describe('DNS through the Cloudflare SDK', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdc-e2e-dns-'));
  const sshdDir = mkdtempSync(join(tmpdir(), 'rdc-e2e-dns-sshd-'));
  const api = new CloudflareApi();
  const listen = privateLoopback();
  let sshd: Sshd;
  let server: TestServer;
  let repo: Dockerd;
  let zoneId = '';
  const env: Record<string, string> = { RDC_CONFIG: join(dir, 'config.yaml'), HOME: '/nonexistent-home' };
  const rdc = (args: string[], extra: Record<string, string> = {}, stdin?: string) => runCli(args, { env: { ...env, ...extra }, stdin, cwd: dir });
  const writes = () => api.log.filter((l) => l.method !== 'GET').length;
  const records = () => [...api.records.values()].filter((r) => r.type !== 'TXT').map((r) => `${r.type} ${r.name} ${r.content}${r.comment === marker('s1') ? ' (rdc)' : ''}`).sort();

  before(async () => {
    env.RDC_CLOUDFLARE_BASE_URL = await api.start();
    zoneId = api.addZone('example.test');
    api.addZone('other.test');
    api.tokens.set(GOOD, { zones: [zoneId], edit: true });
    api.tokens.set('cfReadOnlyToken0123456789', { zones: [zoneId], edit: false });
    api.tokens.set('cfNoZoneToken0123456789', { zones: [], edit: true });
    api.addRecord(zoneId, { type: 'A', name: 'blog.example.test', content: '198.51.100.1' });
    api.addRecord(zoneId, { type: 'A', name: 'old.example.test', content: listen, comment: marker('s1') });
    // More records than one page holds: the listing must follow the pagination.
    for (let i = 0; i < 600; i++) api.addRecord(zoneId, { type: 'TXT', name: `t${i}.example.test`, content: `v${i}` });

    sshd = await startSshd(sshdDir);
    server = await startTestServer(dir);
    assert.equal((await rdc(['context', 'add-machine', 's1', '--ip', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--ssh-key', sshd.clientKey, '--root-prefix', server.rootPrefix])).code, 0);
    const port = distinctFreePorts();
    const set = await rdc(['context', 'set-infra', 's1', '--public-ipv4', listen, '--listen-address', listen, '--base-domain', 'example.test', '--cert-email', 'ops@example.test',
      '--cf-dns-token', '-', '--http-port', String(await port()), '--https-port', String(await port()), '--route-server-port', String(await port())], {}, GOOD);
    assert.equal(set.code, 0, set.stderr);
    // push-infra syncs DNS itself when a token is set: the wildcard appears, rdc's stale record goes.
    const push = await rdc(['context', 'push-infra', 's1']);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /DNS \(Cloudflare\): 1 to create, 0 to update, 1 to delete, 0 unchanged, 0 conflict\(s\)/);

    const id = 2816 + 64 * (6100 + Math.floor(Math.random() * 800));
    repo = await startDockerd(join(server.rootPrefix, `var/run/rediacc/docker-${id}.sock`), join(dir, 'repo-dockerd'));
    await importBusybox(repo);
    const labels = {
      'rediacc.service_name': 'app', 'rediacc.service_ip': serviceIp(id, 0), 'rediacc.network_id': String(id), 'traefik.enable': 'true',
      'traefik.http.routers.app.rule': 'Host(`app.example.test`) || Host(`blog.example.test`) || Host(`www.elsewhere.test`)',
      'traefik.http.services.app.loadbalancer.server.port': '8080',
    };
    await repo.docker('run', '-d', '--init', '--network', 'host', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), '-e', `BIND=${serviceIp(id, 0)}`, '-e', 'PORT=8080', BUSYBOX_IMAGE);
    await waitFor('the route to be live', async () => ((await rdc(['machine', 'routes', 's1'])).stdout.includes('app.example.test') ? true : undefined));
  });

  after(async () => {
    await Promise.allSettled([repo?.stop(), server?.stop(), sshd?.stop(), api.stop()]);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    rmSync(sshdDir, { recursive: true, force: true });
  });

  test('dry run, then sync: exactly the expected records; a second sync only lists', async () => {
    const writesBefore = writes();
    const dry = await rdc(['dns', 'sync', 's1', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /1 to create, 0 to update, 0 to delete, 1 unchanged, 1 conflict\(s\)/);
    assert.match(dry.stdout, /create\s+A\s+app\.example\.test/);
    assert.equal(writes(), writesBefore, '--dry-run changes nothing');

    const sync = await rdc(['dns', 'sync', 's1']);
    assert.equal(sync.code, 0, sync.stderr);
    assert.deepEqual(records(), [`A *.example.test ${listen} (rdc)`, `A app.example.test ${listen} (rdc)`, 'A blog.example.test 198.51.100.1']);
    assert.match(sync.stderr, /blog\.example\.test: A 198\.51\.100\.1 exists and is not rdc's: left alone/);
    assert.match(sync.stderr, /www\.elsewhere\.test is not in zone example\.test/);

    const before_ = api.log.length;
    const again = await rdc(['--json', 'dns', 'sync', 's1']);
    const result = JSON.parse(again.stdout) as { summary: string; requests: number };
    assert.match(result.summary, /0 to create, 0 to update, 0 to delete, 2 unchanged, 1 conflict/);
    assert.deepEqual([...new Set(api.log.slice(before_).map((l) => l.method))], ['GET'], 'a sync with nothing to do only lists');
    assert.equal(result.requests, 2, 'two pages of records (zone id cached in the config)');
  });

  test('an IP change updates rdc\'s records and nothing else', async () => {
    assert.equal((await rdc(['context', 'set-infra', 's1', '--public-ipv4', '203.0.113.77'])).code, 0);
    assert.equal((await rdc(['dns', 'sync', 's1'])).code, 0);
    assert.deepEqual(records(), ['A *.example.test 203.0.113.77 (rdc)', 'A app.example.test 203.0.113.77 (rdc)', 'A blog.example.test 198.51.100.1']);
    const list = await rdc(['dns', 'list', 's1']);
    assert.match(list.stdout, /A\s+app\.example\.test\s+203\.0\.113\.77\s+yes/);
    assert.match(list.stdout, /A\s+blog\.example\.test\s+198\.51\.100\.1\s+-/);
    assert.equal((await rdc(['context', 'set-infra', 's1', '--public-ipv4', listen])).code, 0);
    assert.equal((await rdc(['dns', 'sync', 's1'])).code, 0);
  });

  test('rate limiting is retried with backoff; when it never stops, a clear message', async () => {
    api.rateLimitNext = 2;
    assert.equal((await rdc(['dns', 'sync', 's1'])).code, 0, 'two 429s are retried');
    api.rateLimitNext = 100;
    const r = await rdc(['dns', 'sync', 's1'], { RDC_CLOUDFLARE_MAX_RETRIES: '1' });
    api.rateLimitNext = 0;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cloudflare kept rate-limiting the requests/);
  });

  test('every error has its own message with the fix, and no token is ever printed', async () => {
    const cases: [string | undefined, Record<string, string>, RegExp, number][] = [
      ['cfInvalidToken0123456789', {}, /Cloudflare refused the DNS token[\s\S]*Zone:DNS:Edit/, 2],
      ['cfReadOnlyToken0123456789', {}, /The DNS token may not (create|update) .* in zone example\.test[\s\S]*Zone:DNS:Edit/, 2],
      ['cfNoZoneToken0123456789', {}, /Zone example\.test is not visible to the DNS token/, 2],
      [undefined, { RDC_CLOUDFLARE_BASE_URL: `http://127.0.0.1:${await freePort()}/client/v4`, RDC_CLOUDFLARE_MAX_RETRIES: '0' }, /Cannot reach the Cloudflare API/, 1],
    ];
    for (const [token, extra, message, code] of cases) {
      if (token) assert.equal((await rdc(['context', 'set-infra', 's1', '--cf-dns-token', '-'], {}, token)).code, 0);
      // The read-only token can list but not write: give it something to change.
      if (token === 'cfReadOnlyToken0123456789') assert.equal((await rdc(['context', 'set-infra', 's1', '--public-ipv4', '203.0.113.78'])).code, 0);
      const r = await rdc(['dns', 'sync', 's1'], extra);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, message);
      for (const t of [GOOD, token ?? GOOD]) assert.ok(!(r.stdout + r.stderr).includes(t), 'no token in the output');
      if (token === 'cfReadOnlyToken0123456789') assert.equal((await rdc(['context', 'set-infra', 's1', '--public-ipv4', listen])).code, 0);
    }
    assert.equal((await rdc(['context', 'set-infra', 's1', '--cf-dns-token', '-'], {}, GOOD)).code, 0);
  });
});
