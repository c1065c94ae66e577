import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/paths.js';
import { configBench } from './config-bench.js';
import { dnsBench } from './dns-bench.js';
import { httpsBench } from './https-bench.js';
import { repoLargeBench } from './repo-large-bench.js';
import { repoUpBench } from './repo-up-bench.js';
import { providerRaceBench } from './provider-race-bench.js';
import { pushInfraBench } from './push-infra-bench.js';
import { realServerBench } from './real-server-bench.js';
import { scaleBench, startToRouteBench } from './route-server-bench.js';
import { zddBench } from './zdd-bench.js';

/**
 * `npm run bench`: prints figures, asserts nothing (timings never go in tests). Each figure is the
 * median wall time of RUNS sequential process starts after WARMUP discarded ones, all in one run so
 * that they share the machine's state.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 31);
const WARMUP = 3;

function timeProcess(args: string[], env: NodeJS.ProcessEnv): { median: number; p90: number } {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i >= WARMUP) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] as number, p90: samples[Math.floor(samples.length * 0.9)] as number };
}

function startupBench(): void {
  const dir = mkdtempSync(join(tmpdir(), 'rdc-bench-'));
  const env = { ...process.env, RDC_CONFIG: join(dir, 'config.yaml'), NO_COLOR: '1' };
  try {
    const rdc = (...args: string[]) => execFileSync(process.execPath, [BIN, ...args], { env, input: 'benchTokenNotSecret123', stdio: 'pipe' });
    rdc('context', 'add-machine', 'server-1', '--ip', '203.0.113.50', '--user', 'root', '--no-scan');
    rdc('context', 'set-infra', 'server-1', '--public-ipv4', '203.0.113.50', '--public-ipv6', '2001:db8::1', '--base-domain', 'example.com',
      '--cert-email', 'admin@example.com', '--cf-dns-token', '-', '--tcp-ports', '25,143');

    const bare = timeProcess(['-e', ''], env);
    const rows: [string, { median: number; p90: number }][] = [
      ['node -e ""  (baseline)', bare],
      ['rdc --help', timeProcess([BIN, '--help'], env)],
      ['rdc context show-infra server-1', timeProcess([BIN, 'context', 'show-infra', 'server-1'], env)],
      ['rdc context show-infra server-1 --json', timeProcess([BIN, 'context', 'show-infra', 'server-1', '--json'], env)],
    ];
    console.log(`\nStartup (node ${process.version}, ${RUNS} runs each, target: at most 2.00x the bare node start)`);
    console.log(`${'command'.padEnd(40)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${'ratio'.padStart(7)}`);
    for (const [name, t] of rows) {
      const ratio = t.median / bare.median;
      const verdict = name.includes('baseline') ? '' : ratio <= 2 ? '  ok' : '  OVER TARGET';
      console.log(`${name.padEnd(40)} ${t.median.toFixed(1).padStart(7)}ms ${t.p90.toFixed(1).padStart(7)}ms ${ratio.toFixed(2).padStart(6)}x${verdict}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const only = process.argv[2];
if (!only || only === 'startup') startupBench();
if (!only || only === 'routes') await startToRouteBench(Number(process.env.BENCH_STARTS ?? 50));
if (!only || only === 'race') await providerRaceBench(Number(process.env.BENCH_SINGLES ?? 24), Number(process.env.BENCH_BURSTS ?? 4));
if (!only || only === 'scale') await scaleBench();
if (!only || only === 'push') await pushInfraBench();
if (!only || only === 'dns') await dnsBench();
if (!only || only === 'config') await configBench();
if (!only || only === 'repo') await repoUpBench();
if (!only || only === 'real') await realServerBench();
if (!only || only === 'repo-large') await repoLargeBench();
if (!only || only === 'https') await httpsBench();
if (!only || only === 'zdd') await zddBench();
// Keep-alive sockets of the HTTP helpers must not hold the process open.
process.exit(0);
