import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeTotals, startLoad } from '../helpers/load.js';
import { redeployUnderLoad } from '../helpers/redeploy-under-load.js';
import { startRepoBed, type RepoBed } from '../helpers/repo-bed.js';
import { waitFor } from '../helpers/testbed/ports.js';
import { repoOnServer, setZddApp, zddAppSource } from '../helpers/zdd-app.js';

/**
 * Issue 12 on the repo bed (real sshd, repo dockerd, compose, route server, Traefik): `rdc repo up`
 * of a changed routed service under constant load through Traefik loses no request; a version that
 * never gets healthy never gets traffic (exit 1, the old one serves); a slow request in flight
 * during the switch completes; an unrouted service is recreated by compose as before.
 */
describe('zero-downtime redeploys with rdc repo up', () => {
  let bed: RepoBed;
  let src: string;
  let id: number;
  /** The version that serves: advanced only once a deploy of the next one has answered, so one failed up does not make every later test wait for a version that never went live. */
  let version = 1;
  const web = () => ({ host: bed.listen, port: bed.ports.http, hostHeader: `web-${id}.${bed.domain}`, inFlight: 6 });
  const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${repoOnServer(bed, 'zdd', id).socket}`, ...args], { encoding: 'utf8' }).trim();
  const containerOf = (service: string) => docker('ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.service=${service}`);
  const pinsFile = () => join(bed.server.rootPrefix, 'var/lib/rediacc/router/pins', `${id}.json`);
  const up = async () => {
    const r = await bed.rdc(['repo', 'up', 'zdd']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  };

  before(async () => {
    bed = await startRepoBed('zdd');
    id = bed.networkId(0);
    // 15 s for each health gate (as real-server-zdd): on a loaded machine the shell may take a while to exec httpd.
    src = zddAppSource(bed.dir, 'zdd', { version: 'v1' }, { healthWait: '15s' });
    // A worker beside the web service: it listens nowhere its (auto) route would lead, so compose recreates it.
    // SICK_AT (.env) names an address where the web service has no /health: the second gate's failure.
    const compose = readFileSync(join(src, 'compose.yaml'), 'utf8')
      .replace('    command: ["sh", "/app/serve.sh"]', '    command: ["sh", "/app/sick-at.sh"]')
      .replace('      APP_HEALTHY: "${APP_HEALTHY:-yes}"', '      APP_HEALTHY: "${APP_HEALTHY:-yes}"\n      SICK_AT: "${SICK_AT:-none}"');
    assert.match(compose, /SICK_AT: /);
    writeFileSync(join(src, 'app', 'sick-at.sh'), 'if [ "$BIND" = "$SICK_AT" ]; then export APP_HEALTHY=no; fi\nexec sh /app/serve.sh\n');
    writeFileSync(join(src, 'compose.yaml'), `${compose}
  worker:
    image: rdc-zdd/busybox:1
    init: true
    command: ["sh", "-c", "echo worker $$APP_VERSION; exec sleep 3600"]
    environment:
      APP_VERSION: "\${APP_VERSION:-v1}"
`);
    const r = await bed.rdc(['repo', 'up', 'zdd', '-m', 's1', '--path', src, '--mount', '--network-id', String(id)]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  });

  after(async () => {
    await bed?.stop();
  });

  test('a routed service changed and redeployed 10 times under load: no failed request, only the old or new version; the worker recreated each time', async (t) => {
    for (let i = 0; i < 10; i++) {
      const from = `v${version}`;
      const to = `v${version + 1}`;
      const worker = containerOf('worker');
      setZddApp(src, { version: to });
      const { totals } = await redeployUnderLoad(web(), from, to, up, { steadyAnswers: 20 });
      version++; // `to` answered: only now is it the version that serves
      t.diagnostic(`${from} → ${to}: ${describeTotals(totals)}`);
      assert.equal(totals.failed, 0, describeTotals(totals));
      assert.deepEqual(Object.keys(totals.versions).filter((v) => v !== from && v !== to), [], describeTotals(totals));
      assert.ok((totals.versions[to] ?? 0) > 0, describeTotals(totals));
      assert.notEqual(containerOf('worker'), worker, 'compose recreated the unrouted worker');
      assert.match(docker('inspect', '--format', '{{json .Config.Env}}', containerOf('worker')), new RegExp(`APP_VERSION=${to}"`));
      assert.equal(docker('ps', '-aq', '--filter', 'label=rediacc.rollout=candidate'), '', 'no candidate left');
      assert.equal(existsSync(pinsFile()), false, 'no pin left');
    }
  });

  test('a request in flight when traffic switches completes', async (t) => {
    const slow = startLoad({ ...web(), path: '/cgi-bin/slow?3', inFlight: 2, pauseMs: 0 });
    const from = `v${version}`;
    const to = `v${version + 1}`;
    setZddApp(src, { version: to });
    try {
      await waitFor('slow requests under way', async () => (slow.now() > 500 ? true : undefined), 10_000);
      const deployStart = slow.now();
      const { totals } = await redeployUnderLoad(web(), from, to, up, { steadyAnswers: 20 });
      version++;
      const deployEnd = slow.now();
      const s = await slow.stop();
      t.diagnostic(`slow: ${describeTotals(s)}; fast: ${describeTotals(totals)}`);
      assert.equal(s.failed, 0, describeTotals(s));
      assert.equal(totals.failed, 0, describeTotals(totals));
      // A slow request of the old version that started before the deploy and ended during it: in flight at the switch.
      const spanning = slow.records.filter((r) => r.startMs < deployStart && r.startMs + r.latencyMs > deployStart && r.version === from);
      assert.ok(spanning.length > 0, `no slow request spanned the switch (${deployStart}-${deployEnd} ms)`);
    } finally {
      await slow.stop();
    }
  });

  test('a new version that never gets healthy gets no traffic: exit 1 with the reason, the old one still answers', async (t) => {
    const from = `v${version}`;
    const web0 = containerOf('web');
    const l = startLoad(web());
    try {
      await waitFor(`answers from ${from}`, async () => ((l.window(0).versions[from] ?? 0) >= 20 ? true : undefined), 30_000);
      setZddApp(src, { version: 'broken', healthy: false });
      const r = await bed.rdc(['repo', 'up', 'zdd']);
      const totals = await l.stop();
      t.diagnostic(describeTotals(totals));
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /web: the new version is not healthy: not healthy within 15s \(rediacc\.healthcheck\.wait\); GET http:\/\/127\.[0-9.]+:8080\/health: HTTP 404/);
      assert.match(r.stderr, /the old one keeps serving/);
      assert.equal(totals.failed, 0, describeTotals(totals));
      assert.deepEqual(Object.keys(totals.versions), [from], describeTotals(totals));
      assert.equal(containerOf('web'), web0, 'the old container is untouched');
      assert.equal(docker('ps', '-aq', '--filter', 'label=rediacc.rollout=candidate'), '', 'the candidate was removed');
      assert.equal(existsSync(pinsFile()), false, 'no pin left');
    } finally {
      await l.stop();
    }
    // Fixed again: the next up switches to it.
    setZddApp(src, { version: `v${version + 1}` });
    await up();
    version++;
  });

  test('a failure at the second gate (the real address) leaves the candidate serving the new version; the next up replaces it', async (t) => {
    const realIp = docker('inspect', '--format', '{{index .Config.Labels "rediacc.service_ip"}}', containerOf('web'));
    const from = `v${version}`;
    const to = `v${version + 1}`;
    setZddApp(src, { version: to });
    writeFileSync(join(src, '.env'), `${readFileSync(join(src, '.env'), 'utf8')}SICK_AT=${realIp}:8080\n`);
    let failed = { code: 0, stdout: '', stderr: '' };
    const first = await redeployUnderLoad(web(), from, to, async () => {
      failed = await bed.rdc(['repo', 'up', 'zdd']);
    }, { steadyAnswers: 20 });
    version++; // `to` answers, from its candidate
    t.diagnostic(`second gate fails: ${describeTotals(first.totals)}`);
    assert.equal(failed.code, 1, `${failed.stdout}\n${failed.stderr}`);
    assert.match(failed.stderr, new RegExp(`the new version at ${realIp.replace(/\./g, '\\.')} is not healthy: .*HTTP 404; the new version keeps serving from its candidate container`));
    assert.equal(first.totals.failed, 0, describeTotals(first.totals));
    const candidate = docker('ps', '-q', '--no-trunc', '--filter', 'label=rediacc.rollout=candidate');
    assert.notEqual(candidate, '', 'the candidate serves');
    assert.deepEqual(JSON.parse(readFileSync(pinsFile(), 'utf8')), { services: { web: candidate } });
    // Fixed: the next up replaces the pinned candidate too, without a failed request.
    const next = `v${version + 1}`;
    setZddApp(src, { version: next });
    const second = await redeployUnderLoad(web(), to, next, up, { steadyAnswers: 20 });
    version++;
    t.diagnostic(`fixed: ${describeTotals(second.totals)}`);
    assert.equal(second.totals.failed, 0, describeTotals(second.totals));
    assert.equal(docker('ps', '-aq', '--filter', 'label=rediacc.rollout=candidate'), '', 'no candidate left');
    assert.equal(existsSync(pinsFile()), false, 'no pin left');
  });

  test('--dry-run shows which services up would switch and which compose recreates', async () => {
    // A new image under the same tag (as a registry pull of a moved tag would): both services change, nothing synced.
    docker('commit', containerOf('worker'), 'rdc-zdd/busybox:1');
    const plan = await bed.rdc(['repo', 'up', 'zdd', '--dry-run']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /\.\s+web\s+switch\s+image changed/);
    assert.match(plan.stdout, /\.\s+worker\s+recreate\s+image changed; nothing listens where its route leads/);
    const unchanged = await bed.rdc(['repo', 'up', 'zdd', '--dry-run']);
    assert.match(unchanged.stdout, /web\s+switch/, 'a dry run changes nothing');
    const from = `v${version}`;
    const { totals } = await redeployUnderLoad(web(), from, from, up, { steadyAnswers: 20 });
    assert.equal(totals.failed, 0, describeTotals(totals));
    const after = await bed.rdc(['repo', 'up', 'zdd', '--dry-run']);
    assert.match(after.stdout, /\.\s+web\s+unchanged/);
    assert.match(after.stdout, /\.\s+worker\s+unchanged/);
  });
});
