import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { startRealSession, type RealSession } from '../helpers/real-server/index.js';
import { tcpRequest } from '../helpers/repo-bed.js';
import { httpGet } from '../helpers/testbed/http.js';
import { fmt, percentile } from './stats.js';

const RUNS = Number(process.env.BENCH_REAL_RUNS ?? 9);
const REBOOTS = Number(process.env.BENCH_REAL_REBOOTS ?? 3);

/**
 * On a real Debian 12 server (test/helpers/real-server, systemd as PID 1), as root: the first
 * `repo up` of the example app, a no-op `repo up`, a no-op push-infra against bare SSH, and a
 * reboot until every unencrypted app answers again (goal: within 20 s of sshd answering).
 */
export async function realServerBench(): Promise<void> {
  let session: RealSession;
  const t0 = performance.now();
  try {
    session = await startRealSession('bench');
  } catch (err) {
    // A bench is not a test: without a host there is nothing to measure, but say so where no one can miss it.
    console.log(`\n${'!'.repeat(78)}\n!! real-server bench NOT RUN: the test host did not boot.\n!! ${(err as Error).message.split('\n').join('\n!! ')}\n${'!'.repeat(78)}`);
    return;
  }
  const bootMs = performance.now() - t0;
  const { host } = session;
  const timed = async (...args: string[]) => {
    const t = performance.now();
    const r = await session.ok(['--json', ...args]);
    return { ms: performance.now() - t, timings: (JSON.parse(r.stdout) as { timings?: Record<string, number> }).timings ?? {} };
  };
  const ID = 2816;
  const domain = 'bench.test';
  try {
    await session.addMachine('srv', 'root');
    await session.ok(['context', 'set-infra', 'srv', '--public-ipv4', host.address, '--base-domain', domain]);
    await session.ok(['context', 'push-infra', 'srv']);
    const src = session.exampleSource('my-app', `app.${domain}`);
    const up = ['repo', 'up', 'my-app', '-m', 'srv', '--path', src, '--mount', '--network-id', String(ID), '--timings'];
    const first = await timed(...up);
    const noopUp: number[] = [];
    for (let i = 0; i < RUNS; i++) noopUp.push((await timed(...up)).ms);
    const key = readFileSync(host.clientKey);
    const bare: number[] = [];
    const noopPush: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(await bareSsh(host.address, key));
      noopPush.push((await timed('context', 'push-infra', 'srv')).ms);
    }
    const checks = [
      () => httpGet(host.address, 80, '/', `web-${ID}.${domain}`).then((r) => r.status === 200),
      () => httpGet(host.address, 80, '/', `app.${domain}`).then((r) => r.status === 200),
      () => tcpRequest(host.address, 5432, 'GET / HTTP/1.0\r\n\r\n').then((r) => r.includes('db ready')),
    ];
    const reboots: { down: number; ssh: number; apps: number }[] = [];
    for (let i = 0; i < REBOOTS; i++) {
      const r = await host.reboot({ until: 'ssh' });
      const t = performance.now();
      await allAnswer(checks, 120_000);
      reboots.push({ down: r.downMs, ssh: r.bootToSshMs, apps: performance.now() - t });
    }
    // After the reboots every repo is up: what `repo up --all` costs when there is nothing to bring back.
    const upAll: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      const t = performance.now();
      await session.ok(['repo', 'up', '--all', '-m', 'srv']);
      upAll.push(performance.now() - t);
    }
    const med = (k: 'down' | 'ssh' | 'apps') => percentile(reboots.map((r) => r[k]), 50);
    console.log(`\nReal server (Debian 12, systemd-nspawn, docker ${(await host.sh('docker version --format "{{.Server.Version}}"')).trim()}, compose v2; as root; in-process rdc)`);
    console.log(`  host boot (unpack the disk, boot, sshd, docker, images)  ${fmt(bootMs)}`);
    console.log(`  first repo up of the example app          ${fmt(first.ms)}`);
    console.log(`    phases: ${Object.entries(first.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
    console.log(`  no-op repo up                             median ${fmt(percentile(noopUp, 50))}  p90 ${fmt(percentile(noopUp, 90))}  (${RUNS} runs)`);
    console.log(`  bare ssh2 connect + exec true             median ${fmt(percentile(bare, 50))}`);
    console.log(`  no-op push-infra                          median ${fmt(percentile(noopPush, 50))}   ratio ${(percentile(noopPush, 50) / percentile(bare, 50)).toFixed(2)}x of bare ssh`);
    console.log(`  repo up --all (1 repo, already up)        median ${fmt(percentile(upAll, 50))}`);
    const apps = med('apps');
    console.log(`  reboot (${REBOOTS}x, medians): poweroff ${fmt(med('down'))}, boot → sshd ${fmt(med('ssh'))}, sshd → every app answering ${fmt(apps)} (goal ≤ 20 s)${apps <= 20_000 ? '  ok' : '  OVER TARGET'}`);
  } finally {
    await session.stop();
  }
}

async function allAnswer(checks: (() => Promise<boolean>)[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (const check of checks) {
    while (!(await check().catch(() => false))) {
      if (performance.now() > deadline) throw new Error(`not every app answered within ${timeoutMs} ms of sshd after the reboot`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function bareSsh(host: string, privateKey: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = new Client();
    c.on('ready', () => c.exec('true', (err, stream) => {
      if (err) return reject(err);
      stream.on('close', () => {
        c.end();
        resolve(performance.now() - t0);
      }).resume();
    })).on('error', reject).connect({ host, port: 22, username: 'root', privateKey });
  });
}
