import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeTotals, startLoad, type LoadOptions, type LoadTotals } from '../helpers/load.js';
import { startRealSession, type RealSession } from '../helpers/real-server/index.js';
import { redeployUnderLoad } from '../helpers/redeploy-under-load.js';
import { waitFor } from '../helpers/testbed/ports.js';
import { setZddApp, zddAppSource } from '../helpers/zdd-app.js';

/**
 * Issue 12 on a real Debian 12 server (systemd, docker under systemd, Traefik and the route server
 * as push-infra installs them), driven as `deploy` (passwordless sudo): a routed web service
 * redeployed under a constant load through Traefik on port 80 loses no request; a version that
 * never becomes healthy never gets traffic. With compose v2 (the plugin, as the test host image and
 * most servers have it) and with v1 (what Debian 12 itself packages and `machine setup` installs).
 */
for (const compose of ['v2', 'v1'] as const) describe(`zero-downtime redeploys on a real server, compose ${compose} (issue 12)`, () => {
  let s: RealSession;
  let src: string;
  /** The version serving now: each test starts from it (a failed one leaves it where it was). */
  let current = 'v1';
  const ID = 2816;
  const domain = 'zdd.test';
  const web = (o: Partial<LoadOptions> = {}): LoadOptions => ({ host: s.host.address, port: 80, hostHeader: `web-${ID}.${domain}`, ...o });
  /** Only the old and the new version answered, and every request succeeded. */
  const clean = (totals: LoadTotals, allowed: string[], what: string) => {
    assert.equal(totals.failed, 0, `${what}: ${describeTotals(totals)}`);
    assert.deepEqual(Object.keys(totals.versions).filter((v) => !allowed.includes(v)), [], `${what}: only ${allowed.join(' or ')} may answer: ${describeTotals(totals)}`);
  };

  before(async () => {
    s = await startRealSession(`zdd-${compose}`, { aptProxy: compose === 'v1' });
    // v1: Debian's docker-compose 1.29 through the test side's apt proxy, and no v2 plugin (renet falls back).
    if (compose === 'v1') await s.host.sh('rm -f /usr/local/lib/docker/cli-plugins/docker-compose && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null', { timeoutMs: 600_000 });
    await s.addMachine('srv', 'deploy');
    await s.ok(['context', 'set-infra', 'srv', '--public-ipv4', s.host.address, '--base-domain', domain]);
    await s.ok(['context', 'push-infra', 'srv']);
    // A version that never gets healthy is given up on after 15 s (the default 60 s would only make the test slower).
    src = zddAppSource(s.dir, 'zdd', { version: 'v1' }, { healthWait: '15s' });
    await s.ok(['repo', 'up', 'zdd', '-m', 'srv', '--path', src, '--mount', '--network-id', String(ID)]);
  });
  after(async () => s?.stop());

  test(`the host has compose ${compose} only`, async (t) => {
    const v2 = await s.host.ssh('root', 'docker compose version');
    const v1 = await s.host.ssh('root', 'docker-compose version --short');
    t.diagnostic(`docker compose: ${(v2.stdout || v2.stderr).trim().split('\n')[0]}; docker-compose: ${(v1.stdout || v1.stderr).trim()}`);
    if (compose === 'v2') assert.match(v2.stdout, /Docker Compose version v2\./);
    else {
      assert.notEqual(v2.code, 0, 'no compose v2 plugin');
      assert.match(v1.stdout, /^1\.29\./);
    }
  });

  // v1 costs ~0.3 s of CPU a call: one redeploy proves the fallback, v2 does three.
  const redeploys = compose === 'v2' ? 3 : 1;
  test(`redeployed ${redeploys} time(s) under load (8 in flight through Traefik on :80): 0 failed requests, only the old or the new version answers`, async (t) => {
    for (let v = 2; v <= 1 + redeploys; v++) {
      setZddApp(src, { version: `v${v}` });
      const run = await redeployUnderLoad(web(), current, `v${v}`, async () => {
        await s.ok(['repo', 'up', 'zdd']);
      });
      t.diagnostic(`v${v - 1} → v${v}: ${describeTotals(run.all)}; new version served after ${run.toServedMs.toFixed(0)} ms, repo up took ${run.deployMs.toFixed(0)} ms`);
      current = `v${v}`;
      clean(run.all, [`v${v - 1}`, `v${v}`], `redeploy to v${v}`);
    }
  });

  test('long requests in flight when the traffic switches complete', async (t) => {
    const from = current;
    setZddApp(src, { version: 'v5' });
    const slow = startLoad(web({ path: '/cgi-bin/slow?3', inFlight: 2, pauseMs: 0, timeoutMs: 20_000 }));
    const run = await redeployUnderLoad(web(), from, 'v5', async () => {
      await s.ok(['repo', 'up', 'zdd']);
    }).finally(() => slow.stop());
    current = 'v5';
    const slowTotals = await slow.stop();
    t.diagnostic(`slow: ${describeTotals(slowTotals)}`);
    clean(run.all, [from, 'v5'], 'redeploy to v5');
    clean(slowTotals, [from, 'v5'], 'the 3 s requests');
    assert.ok((slowTotals.versions[from] ?? 0) > 0, `some 3 s request was served by the old version: ${describeTotals(slowTotals)}`);
  });

  test('a version whose health check fails: exit 1 with the reason, 0 failed requests, the old version keeps answering', async (t) => {
    setZddApp(src, { version: 'v6', healthy: false });
    const load = startLoad(web());
    const { r, totals } = await (async () => {
      await waitFor(`${current} answering under load`, async () => ((load.window(0).versions[current] ?? 0) >= 50 ? true : undefined), 30_000);
      const up = await s.rdc(['repo', 'up', 'zdd']);
      const afterUp = load.now();
      await waitFor('another second of load', async () => (load.now() - afterUp > 1000 ? true : undefined), 5_000, 100);
      return { r: up, totals: await load.stop() };
    })().finally(() => load.stop());
    t.diagnostic(`${describeTotals(totals)}; repo up said: ${r.stderr.trim().split('\n').slice(-6).join(' | ')}`);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /web: the new version is not healthy: not healthy within 15s \(rediacc\.healthcheck\.wait\); GET http:\/\/127\.[0-9.]+:8080\/health: HTTP 404/);
    assert.match(r.stderr, /the old one keeps serving/);
    clean(totals, [current], 'a failed rollout');
  });
});
