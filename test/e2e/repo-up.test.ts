import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { serviceIp } from '../../src/core/infra/network.js';
import { CloudflareApi } from '../helpers/cloudflare-api.js';
import { startRepoBed, tcpRequest, type RepoBed } from '../helpers/repo-bed.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';

/**
 * `rdc repo up` for real: over SSH into a test server, the example app of templates/ on its own
 * volume (plain image) and dockerd, with the real route server and Traefik in front.
 */
describe('rdc repo up/down/status of the example app', () => {
  let bed: RepoBed;
  let src: string;
  let other: string;
  let A: number;
  let B: number;
  const repoDir = () => {
    const cfg = parse(readFileSync(join(bed.dir, 'config.yaml'), 'utf8')) as { contexts: { default: { repositories: Record<string, { guid: string }> } } };
    return join(bed.server.rootPrefix, 'mnt/rediacc/mounts', cfg.contexts.default.repositories['my-app']?.guid ?? 'none');
  };
  const via = (host: string) => httpGet(bed.listen, bed.ports.http, '/', host);
  const containerIds = (id: number) => execFileSync('docker', ['-H', `unix://${bed.server.rootPrefix}/var/run/rediacc/docker-${id}.sock`, 'ps', '-q'], { encoding: 'utf8' }).trim().split('\n').sort().join(',');

  // With a DNS token, repo up also syncs the records of the new routes: against the local API stand-in.
  const cloudflare = new CloudflareApi();
  const TOKEN = 'cfTokenRepoE2e0123456789abcdef';

  before(async () => {
    const base = await cloudflare.start();
    cloudflare.tokens.set(TOKEN, { zones: [cloudflare.addZone('repo.test')], edit: true });
    bed = await startRepoBed('repo', { RDC_CLOUDFLARE_BASE_URL: base });
    const t = await bed.rdc(['context', 'set-infra', 's1', '--cf-dns-token', '-'], { stdin: TOKEN });
    assert.equal(t.code, 0, t.stderr);
    A = bed.networkId(0);
    B = bed.networkId(1);
    src = bed.exampleSource('my-app', `app.${bed.domain}`);
    // Two subdirectories with Rediaccfiles that record their calls next to the root's.
    for (const sub of ['b-worker', 'a-cache']) {
      mkdirSync(join(src, sub));
      writeFileSync(join(src, sub, 'Rediaccfile'), `record() { echo "$(date -u +%FT%TZ) $REPOSITORY_NAME/$REPOSITORY_NETWORK_ID ${sub} $1 path=$REPOSITORY_PATH docker=$DOCKER_HOST web=$WEB_IP db=$DB_IP" >> "$REPOSITORY_PATH/data/lifecycle.log"; }
prep() { record prep; }
up() { record up; }
down() { record down; }
`);
    }
    writeFileSync(join(src, 'notes.txt'), 'to be deleted later\n');
    // .rediaccignore (from the example) keeps these on the workstation.
    writeFileSync(join(src, 'debug.log'), 'local only\n');
    mkdirSync(join(src, '.git'));
    writeFileSync(join(src, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    other = bed.exampleSource('other', `other.${bed.domain}`);
  });

  after(async () => {
    await Promise.all([bed?.stop(), cloudflare.stop()]);
  });

  test('create then up: volume, daemon, Rediaccfiles, and the URLs printed once the routes are live', async () => {
    // A relative --path is remembered as an absolute one: the next command may run elsewhere.
    const c = await bed.rdc(['repo', 'create', 'my-app', '-m', 's1', '--network-id', String(A), '--size', '256M', '--path', relative(bed.dir, src)]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /Created repo my-app on s1 \(network \d+\)/);
    assert.match(c.stdout, /volume\s+image \(plain loop image, NOT encrypted\), not mounted/);
    const r = await bed.rdc(['repo', 'up', 'my-app', '--mount', '--timings'], { cwd: '/' });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Repo my-app is up on s1/);
    assert.match(r.stdout, /image \(plain loop image, NOT encrypted\), mounted/);
    assert.ok(r.stdout.includes(`http://web-${A}.${bed.domain}:${bed.ports.http}/`), r.stdout);
    assert.ok(r.stdout.includes(`http://app.${bed.domain}:${bed.ports.http}/`), r.stdout);
    assert.ok(r.stdout.includes(`tcp://${bed.listen}:5432`), r.stdout);
    assert.match(r.stdout, /timings: hash \d+ ms, connect \d+ ms, server \d+ ms, server\.create \d+ ms, server\.mount \d+ ms, server\.sync \d+ ms, upload \d+ ms, server\.check \d+ ms, server\.daemon \d+ ms, server\.prep \d+ ms, server\.up \d+ ms, server\.routes \d+ ms/);
    assert.match(r.stdout, /DNS \(Cloudflare\): /);
    const records = [...cloudflare.records.values()].map((x) => `${x.type} ${x.name} ${x.content}`).sort();
    assert.ok(records.includes(`A app.${bed.domain} ${bed.listen}`), records.join('\n'));
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN));
    // The routes are live when up returns: no waiting here.
    const web = await via(`web-${A}.${bed.domain}`);
    assert.equal(web.status, 200);
    assert.match(web.body, /Hello from rdc's example app/);
    assert.ok(!existsSync(join(repoDir(), 'debug.log')) && !existsSync(join(repoDir(), '.git')), 'ignored files stay local');
    assert.ok(existsSync(join(repoDir(), 'www/index.html')));
  });

  test('the Host() route carries HSTS, and the db answers through tcp-5432', async () => {
    const app = await via(`app.${bed.domain}`);
    assert.equal(app.status, 200);
    assert.equal(app.headers['strict-transport-security'], 'max-age=15768000; includeSubDomains');
    const db = await tcpRequest(bed.listen, 5432, 'GET / HTTP/1.0\r\n\r\n');
    assert.match(db, /db ready at 127\./);
  });

  test('Rediaccfiles ran in order (prep of all, then up root first, subdirs A→Z) with the repo environment', () => {
    const log = readFileSync(join(repoDir(), 'data/lifecycle.log'), 'utf8').trim().split('\n').map((l) => l.split(' ').slice(1));
    assert.deepEqual(log.map((l) => `${l[1]} ${l[2]}`), ['root prep', 'a-cache prep', 'b-worker prep', 'root up', 'a-cache up', 'b-worker up']);
    const env = log.find((l) => l[1] === 'a-cache') as string[];
    assert.equal(env[0], `my-app/${A}`);
    // Slots by name: app 0, db 1, web 2.
    assert.deepEqual(env.slice(3), [`path=${repoDir()}`, `docker=unix://${bed.server.rootPrefix}/var/run/rediacc/docker-${A}.sock`, `web=${serviceIp(A, 2)}`, `db=${serviceIp(A, 1)}`]);
    assert.deepEqual(JSON.parse(readFileSync(join(repoDir(), '.rediacc.json'), 'utf8')), { services: { app: { slot: 0 }, db: { slot: 1 }, web: { slot: 2 } } });
  });

  test('up again with nothing changed: nothing uploaded, no container recreated', async () => {
    const before = containerIds(A);
    const r = await bed.rdc(['repo', 'up', 'my-app']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /files\s+0 updated, 0 deleted, \d+ unchanged/);
    assert.equal(containerIds(A), before);
  });

  test('a changed file is synced, a removed one deleted, and what prep() wrote is left alone', async () => {
    writeFileSync(join(src, 'www/index.html'), '<h1>version 2</h1>\n');
    rmSync(join(src, 'notes.txt'));
    const plan = await bed.rdc(['repo', 'up', 'my-app', '--dry-run']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /files\s+\d+ in source: 1 to upload, 0 to place, 1 to delete/);
    assert.ok(existsSync(join(repoDir(), 'notes.txt')), '--dry-run changed nothing');
    const r = await bed.rdc(['repo', 'up', 'my-app']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /files\s+1 updated, 1 deleted/);
    assert.match((await via(`web-${A}.${bed.domain}`)).body, /version 2/);
    assert.ok(!existsSync(join(repoDir(), 'notes.txt')));
    assert.ok(existsSync(join(repoDir(), 'data/lifecycle.log')));
  });

  test('a second repo with the same service names gets its own IPs and routes; both answer', async () => {
    const r = await bed.rdc(['repo', 'up', 'other', '-m', 's1', '--path', other, '--mount', '--network-id', String(B)]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(r.stdout.includes(`http://web-${B}.${bed.domain}:${bed.ports.http}/`), r.stdout);
    assert.ok(r.stdout.includes(`http://other.${bed.domain}:${bed.ports.http}/`), r.stdout);
    // 5432 belongs to my-app: the second db moves into the dynamic range.
    const tcp = /tcp:\/\/[0-9.]+:(100[0-9]{2})/.exec(r.stdout);
    assert.ok(tcp, r.stdout);
    assert.match(await tcpRequest(bed.listen, Number(tcp[1]), 'GET / HTTP/1.0\r\n\r\n'), new RegExp(`db ready at ${serviceIp(B, 1).replace(/\./g, '\\.')}`));
    assert.match(await tcpRequest(bed.listen, 5432, 'GET / HTTP/1.0\r\n\r\n'), new RegExp(`db ready at ${serviceIp(A, 1).replace(/\./g, '\\.')}`));
    assert.equal((await via(`web-${B}.${bed.domain}`)).status, 200);
    assert.match((await via(`web-${A}.${bed.domain}`)).body, /version 2/);
  });

  test('status and list show the daemon, the containers with their IPs, and the URLs', async () => {
    const s = await bed.rdc(['--json', 'repo', 'status', 'my-app']);
    assert.equal(s.code, 0, s.stderr);
    const status = JSON.parse(s.stdout) as { daemon: string; volume: string; containers: { service: string; ip: string; state: string }[]; urls: { url: string }[] };
    assert.equal(status.daemon, 'running');
    assert.equal(status.volume, 'image');
    assert.deepEqual(status.containers.map((c) => `${c.service} ${c.ip} ${c.state}`).sort(), [`app ${serviceIp(A, 0)} running`, `db ${serviceIp(A, 1)} running`, `web ${serviceIp(A, 2)} running`]);
    assert.equal(status.urls.length, 3);
    const l = await bed.rdc(['repo', 'list']);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /my-app\s+s1\s+\d+\s+image\s+running\s+3/);
    assert.match(l.stdout, /other\s+s1\s+\d+\s+image\s+running\s+3/);
  });

  test('logs of one service, and of every container', async () => {
    await via(`web-${A}.${bed.domain}`);
    const one = await bed.rdc(['repo', 'logs', 'my-app', 'web']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout + one.stderr, /response:200/, 'httpd -v logged the request');
    const all = await bed.rdc(['repo', 'logs', 'my-app']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /==> app[\s\S]*==> db|==> db[\s\S]*==> app/);
    const none = await bed.rdc(['repo', 'logs', 'my-app', 'nosuch']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no container for service nosuch/);
  });

  test('down runs down() in reverse order and removes the routes; the other repo keeps working', async () => {
    const r = await bed.rdc(['repo', 'down', 'my-app']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Repo my-app is down on s1: daemon stopped/);
    const log = readFileSync(join(repoDir(), 'data/lifecycle.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')[2] + ' ' + l.split(' ')[3]);
    assert.deepEqual(log.slice(-3), ['b-worker down', 'a-cache down', 'root down']);
    const routes = JSON.parse((await httpGet('127.0.0.1', bed.ports.router, '/routes.json')).body) as { http?: { routers?: Record<string, unknown> } };
    assert.ok(!Object.keys(routes.http?.routers ?? {}).some((n) => n.includes(String(A))), 'no router of my-app left');
    // down waits for Traefik's own view (its API) to drop the repo's routers: gone when it returns.
    assert.equal((await via(`web-${A}.${bed.domain}`)).status, 404);
    assert.equal((await via(`web-${B}.${bed.domain}`)).status, 200);
  });

  test('up again restores the routes', async () => {
    const r = await bed.rdc(['repo', 'up', 'my-app']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /daemon\s+started/);
    assert.equal((await via(`web-${A}.${bed.domain}`)).status, 200);
    assert.equal((await via(`app.${bed.domain}`)).status, 200);
    // machine routes reads the route server's owners and names the repo as the config knows it.
    const rows = await bed.rdc(['--json', 'machine', 'routes', 's1']);
    assert.equal(rows.code, 0, rows.stderr);
    const mine = (JSON.parse(rows.stdout) as { routes: { networkId: number; repo?: string; hosts: string[] }[] }).routes.filter((x) => x.networkId === A);
    assert.ok(mine.length > 0 && mine.every((x) => x.repo === 'my-app'), rows.stdout);
    assert.ok(mine.some((x) => x.hosts.includes(`app.${bed.domain}`)) && mine.some((x) => x.hosts.includes(`web-${A}.${bed.domain}`)), rows.stdout);
    const table = await bed.rdc(['machine', 'routes', 's1']);
    assert.match(table.stdout, new RegExp(`app\\.${bed.domain.replace(/\./g, '\\.')}\\s+http://\\S+\\s+my-app \\(${A}\\)\\s+2\\s`));
  });

  test('delete asks for --yes, then removes the repo from the machine and the config', async () => {
    const refused = await bed.rdc(['repo', 'delete', 'other']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /confirm with --yes/);
    const dir = repoDir().replace(/[^/]+$/, '');
    const r = await bed.rdc(['repo', 'delete', 'other', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Repo other deleted from s1 and from the config/);
    assert.ok(!readFileSync(join(bed.dir, 'config.yaml'), 'utf8').includes('other:'));
    assert.equal((await via(`web-${B}.${bed.domain}`)).status, 404);
    assert.equal(existsSync(dir) ? readdirSync(dir).length : 1, 1, 'only my-app\'s mount is left');
  });

  test('down --unmount stops the daemon and unmounts the volume', async () => {
    const r = await bed.rdc(['repo', 'down', 'my-app', '--unmount']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /daemon stopped, volume unmounted/);
    assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(repoDir()), 'the loop mount is gone');
    const s = await bed.rdc(['repo', 'status', 'my-app']);
    assert.match(s.stdout, /volume\s+image \(plain loop image, NOT encrypted\), not mounted/);
    const logs = await bed.rdc(['repo', 'logs', 'my-app', 'web']);
    assert.equal(logs.code, 2);
    assert.match(logs.stderr, /The Docker daemon of repo my-app is not running on s1/);
  });
});
