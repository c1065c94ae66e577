import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serviceIp } from '../../src/core/infra/network.js';
import { readSlots } from '../../src/renet/host/slots-store.js';
import { describeTotals, startLoad } from '../helpers/load.js';
import { redeployUnderLoad } from '../helpers/redeploy-under-load.js';
import { startRepoBed, type RepoBed } from '../helpers/repo-bed.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';
import { plainComposeUp, repoOnServer, setZddApp, zddAppSource } from '../helpers/zdd-app.js';

/**
 * Issue 12's yardstick on the repo bed: the test app under a constant load through Traefik while a
 * changed version is deployed. The load must see what a plain compose recreate does to requests
 * (the baseline), or it could not show that rdc's rollout does better.
 */
describe('load through Traefik during a redeploy (issue 12 baseline)', () => {
  let bed: RepoBed;
  let src: string;
  let id: number;
  const web = () => ({ host: bed.listen, port: bed.ports.http, hostHeader: `web-${id}.${bed.domain}` });

  before(async () => {
    bed = await startRepoBed('zddload');
    id = bed.networkId(0);
    src = zddAppSource(bed.dir, 'zdd', { version: 'v1' });
    const r = await bed.rdc(['repo', 'up', 'zdd', '-m', 's1', '--path', src, '--mount', '--network-id', String(id)]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  });

  after(async () => {
    await bed?.stop();
  });

  test('the app answers with its version, its health path, and a slow endpoint', async () => {
    const l = startLoad(web());
    await waitFor('v1 answers', async () => ((l.window(0).versions.v1 ?? 0) >= 20 ? true : undefined), 30_000);
    const t = await l.stop();
    assert.equal(t.failed, 0, describeTotals(t));
    assert.deepEqual(Object.keys(t.versions), ['v1']);
    const slow = startLoad({ ...web(), path: '/cgi-bin/slow?1', inFlight: 1, pauseMs: 0 });
    await waitFor('a slow answer', async () => (slow.records.length > 0 ? true : undefined), 10_000);
    const s = await slow.stop();
    assert.equal(s.failed, 0, describeTotals(s));
    assert.ok(s.p50Ms >= 1000, describeTotals(s));
    const health = startLoad({ ...web(), path: '/health', inFlight: 1 });
    await waitFor('a health answer', async () => (health.records.length > 0 ? true : undefined), 10_000);
    assert.equal((await health.stop()).failed, 0);
  });

  test('plain `docker compose up -d` of a new version drops requests (the baseline rdc has to beat)', async (t) => {
    const repo = repoOnServer(bed, 'zdd', id);
    const { totals } = await redeployUnderLoad(web(), 'v1', 'v2', () => plainComposeUp(repo, { version: 'v2' }, bed.dir));
    t.diagnostic(`baseline: ${describeTotals(totals)}`);
    assert.ok(totals.failed > 0, `the load saw no failure during a plain recreate: ${describeTotals(totals)}`);
    assert.ok((totals.versions.v1 ?? 0) > 0 && (totals.versions.v2 ?? 0) > 0, describeTotals(totals));
    // rdc's model now says v2 too: the next repo up of v2 changes nothing.
    setZddApp(src, { version: 'v2' });
  });

  test('`rdc repo up` of the same change, with the rollout (zdd-rollout): the load sees no failure', async (t) => {
    setZddApp(src, { version: 'v3' });
    const { totals } = await redeployUnderLoad(web(), 'v2', 'v3', async () => {
      const r = await bed.rdc(['repo', 'up', 'zdd']);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    });
    t.diagnostic(`repo up: ${describeTotals(totals)}`);
    assert.equal(totals.failed, 0, describeTotals(totals));
    assert.ok((totals.versions.v2 ?? 0) > 0 && (totals.versions.v3 ?? 0) > 0, describeTotals(totals));
  });

  test('the health switch: APP_HEALTHY=no serves the version but no /health (404)', async () => {
    const repo = repoOnServer(bed, 'zdd', id);
    await plainComposeUp(repo, { version: 'v4', healthy: false }, bed.dir);
    // The switch on the app's own address: through Traefik, which health-checks /health every 200 ms, the
    // version and the 404 show only until the first check after the reload, then everything is a 503.
    const slot = readSlots(repo.mount).slots.services.web?.slot;
    assert.ok(slot !== undefined, `no slot for web in ${repo.mount}/.rediacc.json`);
    const ip = serviceIp(id, slot);
    const page = await waitFor('v4 answering on its own address', async () => {
      const r = await httpGet(ip, 8080, '/');
      return /version=v4/.test(r.body) ? r : undefined;
    }, 30_000);
    assert.equal(page.status, 200);
    assert.equal((await httpGet(ip, 8080, '/health')).status, 404);
    // …and Traefik's own check of /health takes it out of rotation: the stable end state.
    const out = await waitFor('Traefik to take v4 out of rotation (503)', async () => {
      const r = await httpGet(web().host, web().port, '/', web().hostHeader);
      return r.status === 503 ? r : undefined;
    }, 20_000);
    assert.match(out.body, /no available server/i);
  });
});
