import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyConfig, emptyContext, emptyInfra } from '../../src/core/config/model.js';
import { ConfigStore, renderConfigFile } from '../../src/rdc/config/store.js';
import { Secret } from '../../src/core/util/secret.js';
import { BIN } from '../helpers/paths.js';
import { fmt, percentile } from './stats.js';

/** A config of `repos` repositories spread over 10 machines, written as rdc writes it. */
function bigConfig(repos: number): string {
  const config = emptyConfig();
  const ctx = emptyContext();
  config.contexts.default = ctx;
  config.currentContext = 'default';
  for (let m = 0; m < 10; m++) {
    ctx.machines[`m${m}`] = { host: `203.0.113.${m + 1}`, user: 'root', port: 22, sshKey: undefined, hostKeys: [], datastore: '/mnt/rediacc', rootPrefix: '/', infra: emptyInfra(), dnsZone: undefined };
  }
  for (let i = 0; i < repos; i++) {
    ctx.repositories[`repo-${i}`] = {
      machine: `m${i % 10}`, guid: `0b0f6c1e-5b8a-4d7e-9d63-${i.toString(16).padStart(12, '0')}`, networkId: 2816 + 64 * Math.floor(i / 10),
      path: `/home/me/apps/repo-${i}`, credential: new Secret(`credential-${i.toString(36).padStart(40, 'x')}`), volume: 'luks',
    };
  }
  return renderConfigFile(config);
}

async function timed(runs: number, work: () => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * Config read and write at scale (issue 14: 32,000 repos took 37 s in set-infra, quadratic in the
 * number of repos). In-process read and update, and the whole CLI (process start included).
 */
export async function configBench(sizes = (process.env.BENCH_CONFIG_REPOS ?? '1000,10000').split(',').map(Number)): Promise<void> {
  const runs = Number(process.env.BENCH_CONFIG_RUNS ?? 5);
  console.log(`\nConfig file at scale (median of ${runs} runs; in-process store, then the CLI as a process)`);
  console.log(`${'repos'.padStart(7)} ${'file'.padStart(8)} ${'read'.padStart(10)} ${'update'.padStart(10)} ${'show-infra'.padStart(11)} ${'set-infra'.padStart(10)}`);
  for (const repos of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'rdc-bench-config-'));
    try {
      const path = join(dir, 'config.yaml');
      writeFileSync(path, bigConfig(repos), { mode: 0o600 });
      const store = new ConfigStore(path);
      const read = await timed(runs, () => store.read());
      let port = 8000;
      const update = await timed(runs, () => store.update((c) => {
        (c.contexts.default?.machines.m0 ?? { infra: emptyInfra() }).infra.httpPort = port++;
      }));
      const env = { ...process.env, RDC_CONFIG: path, NO_COLOR: '1' };
      const cli = (args: string[]) => {
        const r = spawnSync(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        if (r.status !== 0) throw new Error(`rdc ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      };
      const show = await timed(runs, () => cli(['context', 'show-infra', 'm1']));
      const set = await timed(runs, () => cli(['context', 'set-infra', 'm1', '--http-port', String(port++)]));
      const size = `${(statSync(path).size / 1e6).toFixed(1)} MB`;
      console.log(`${String(repos).padStart(7)} ${size.padStart(8)} ${fmt(percentile(read, 50)).padStart(10)} ${fmt(percentile(update, 50)).padStart(10)} ${fmt(percentile(show, 50)).padStart(11)} ${fmt(percentile(set, 50)).padStart(10)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
