import Docker from 'dockerode';
import { httpGet } from '../helpers/testbed/http.js';
import { describeTotals } from '../helpers/load.js';
import { redeployUnderLoad, type RedeployRun } from '../helpers/redeploy-under-load.js';
import { startRepoBed, type RepoBed } from '../helpers/repo-bed.js';
import { plainComposeUp, repoOnServer, setZddApp, zddAppSource } from '../helpers/zdd-app.js';
import { CANDIDATE_LABEL, CANDIDATE_VALUE } from '../../src/core/repo/rollout-pins.js';
import { fmt, percentile } from './stats.js';

const RUNS = Number(process.env.BENCH_ZDD_RUNS ?? 5);

interface Side {
  runs: RedeployRun[];
  /** rdc only: from the candidate's first healthy answer (probed by the bench) to the new version's first answer through Traefik. */
  switchMs: number[];
  /** rdc only: from the start of repo up to the candidate's first healthy answer. */
  healthyMs: number[];
}

/**
 * Issue 12: a redeploy of a routed web service under a constant load through Traefik (8 requests
 * in flight), rdc's `repo up` against the baseline — plain `docker compose up -d` of the same change
 * on the same repo daemon, behind the same route server — alternated in one run. For each: failed
 * requests and p99 while it runs, time to the new version's first answer, and for rdc how long the
 * switch took after the new container was healthy.
 */
export async function zddBench(): Promise<void> {
  const bed = await startRepoBed('bench-zdd');
  try {
    const id = bed.networkId(0);
    const src = zddAppSource(bed.dir, 'zdd', { version: 'v0' });
    const ok = (r: { code: number; stdout: string; stderr: string }) => { if (r.code !== 0) throw new Error(`${r.stdout}\n${r.stderr}`); };
    ok(await bed.rdc(['repo', 'up', 'zdd', '-m', 's1', '--path', src, '--mount', '--network-id', String(id)]));
    const repo = repoOnServer(bed, 'zdd', id);
    const load = { host: bed.listen, port: bed.ports.http, hostHeader: `web-${id}.${bed.domain}` };
    const docker = new Docker({ socketPath: repo.socket });
    const baseline: Side = { runs: [], switchMs: [], healthyMs: [] };
    const rdc: Side = { runs: [], switchMs: [], healthyMs: [] };
    let version = 0;
    for (let i = 0; i < RUNS; i++) {
      const b = `v${++version}`;
      baseline.runs.push(await redeployUnderLoad(load, `v${version - 1}`, b, () => plainComposeUp(repo, { version: b }, bed.dir)));
      setZddApp(src, { version: b }); // rdc's source follows: its next change is one version on
      const r = `v${++version}`;
      setZddApp(src, { version: r });
      const healthy = watchCandidateHealthy(docker);
      const run = await redeployUnderLoad(load, b, r, async () => ok(await bed.rdc(['repo', 'up', 'zdd'])));
      const healthyAt = await healthy.stop();
      rdc.runs.push(run);
      if (healthyAt !== undefined) {
        rdc.switchMs.push(run.toServedAt - healthyAt);
        rdc.healthyMs.push(healthyAt - (run.toServedAt - run.toServedMs));
      }
    }
    report(bed, baseline, rdc);
  } finally {
    await bed.stop();
  }
}

function report(bed: RepoBed, baseline: Side, rdc: Side): void {
  const row = (name: string, s: Side) => {
    const failed = s.runs.map((r) => r.totals.failed);
    const p99 = s.runs.map((r) => r.totals.p99Ms);
    const served = s.runs.map((r) => r.toServedMs);
    console.log(`  ${name.padEnd(34)} failed ${String(failed.reduce((a, b) => a + b, 0)).padStart(5)} of ${String(s.runs.reduce((a, r) => a + r.totals.requests, 0)).padStart(6)} (per run ${failed.join(', ')})`
      + `   p99 median ${fmt(percentile(p99, 50))} (max ${fmt(Math.max(...p99))})   deploy → new version served median ${fmt(percentile(served, 50))} (max ${fmt(Math.max(...served))})`);
  };
  console.log(`\nZero-downtime redeploy (issue 12; repo bed ${bed.listen}, 8 requests in flight through Traefik, ${RUNS} alternated runs per side)`);
  row('baseline: docker compose up -d', baseline);
  row('rdc repo up', rdc);
  const kinds = (s: Side) => describeTotals((s.runs[s.runs.length - 1] as RedeployRun).totals);
  console.log(`    last baseline run: ${kinds(baseline)}`);
  console.log(`    last rdc run:      ${kinds(rdc)}`);
  const cmd = rdc.runs.map((r) => r.deployMs);
  console.log(`  rdc repo up duration median ${fmt(percentile(cmd, 50))} (max ${fmt(Math.max(...cmd))})`);
  if (rdc.switchMs.length === 0) console.log('  switch after healthy: no rollout candidate seen (rdc recreated the container as compose does: no zero-downtime rollout in this build)');
  else {
    const verdict = percentile(rdc.switchMs, 50) <= 1500 ? 'ok' : 'OVER TARGET';
    console.log(`  repo up → candidate healthy (sync, checks, lifecycle, candidate start, first good probe) median ${fmt(percentile(rdc.healthyMs, 50))}, max ${fmt(Math.max(...rdc.healthyMs))}`);
    console.log(`  switch after healthy (candidate's first healthy answer → new version's first answer through Traefik) median ${fmt(percentile(rdc.switchMs, 50))}, max ${fmt(Math.max(...rdc.switchMs))} (target ≤ 1.5 s) ${verdict}`);
  }
  const zero = rdc.runs.every((r) => r.totals.failed === 0);
  console.log(`  goal: 0 failed with rdc vs the baseline's count: ${zero ? 'ok' : 'NOT MET'}`);
}

/**
 * Watches the repo daemon for a rollout candidate (label rediacc.rollout=candidate) and probes its
 * health path on its own address, as renet's gate does: when did it first answer 2xx? The bench's
 * own clock (performance.now()).
 */
function watchCandidateHealthy(docker: Docker): { stop(): Promise<number | undefined> } {
  let healthyAt: number | undefined;
  let running = true;
  const loop = (async () => {
    while (running && healthyAt === undefined) {
      const list = await docker.listContainers({ filters: { label: [`${CANDIDATE_LABEL}=${CANDIDATE_VALUE}`] } }).catch(() => []);
      for (const c of list) {
        const ip = c.Labels['rediacc.service_ip'];
        const port = Number(c.Labels['rediacc.service_port'] ?? 80);
        if (!ip || healthyAt !== undefined) continue;
        const r = await httpGet(ip, port, '/health').catch(() => undefined);
        if (r && r.status >= 200 && r.status < 400) healthyAt = performance.now();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return healthyAt;
    },
  };
}
