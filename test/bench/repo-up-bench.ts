import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { ipVariable } from '../../src/core/compose/rewrite.js';
import { serviceIp } from '../../src/core/infra/network.js';
import { BIN } from '../helpers/paths.js';
import { startRepoBed } from '../helpers/repo-bed.js';
import { fmt, percentile } from './stats.js';

const RUNS = Number(process.env.BENCH_REPO_RUNS ?? 11);
// Never the *Sync child_process calls here: this process reads the test sshd's log pipe, and a
// blocked event loop lets that pipe fill until sshd (and the very command we time) stalls.
const run = promisify(execFile);

/**
 * `rdc repo up` on the loopback test bed: a first deploy by phase, then an unchanged, running repo
 * against what a user would type instead — rsync of the directory, then ssh + docker compose up -d
 * against the repo's daemon — both as processes, alternated, in one run.
 */
export async function repoUpBench(): Promise<void> {
  const bed = await startRepoBed('bench-repo');
  try {
    const src = bed.exampleSource('my-app', `app.${bed.domain}`);
    const env = { ...process.env, RDC_CONFIG: join(bed.dir, 'config.yaml'), HOME: '/nonexistent-home', NO_COLOR: '1' };
    const rdcUp = async () => {
      const t0 = performance.now();
      const r = await run(process.execPath, [BIN, '--json', 'repo', 'up', 'my-app', '-m', 's1', '--path', src, '--mount', '--network-id', String(bed.networkId(0))], { env });
      return { ms: performance.now() - t0, timings: (JSON.parse(r.stdout) as { timings: Record<string, number> }).timings };
    };
    const first = await rdcUp();
    const config = parse(readFileSync(env.RDC_CONFIG, 'utf8')) as { contexts: { default: { repositories: Record<string, { guid: string }> } } };
    const mount = join(bed.server.rootPrefix, 'mnt/rediacc/mounts', config.contexts.default.repositories['my-app']?.guid as string);
    const socket = join(bed.server.rootPrefix, `var/run/rediacc/docker-${bed.networkId(0)}.sock`);
    const ssh = ['-p', String(bed.sshd.port), '-i', bed.sshd.clientKey, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes'];
    const compose = (await run('docker', ['compose', 'version']).then(() => true, () => false)) ? 'docker compose' : 'docker-compose';
    // The same containers renet's compose made (same project, the rewritten file, the same {SERVICE}_IP
    // values): up -d is a no-op for both, which the container IDs below confirm.
    const slots = (JSON.parse(readFileSync(join(mount, '.rediacc.json'), 'utf8')) as { services: Record<string, { slot: number }> }).services;
    const ips = Object.entries(slots).map(([name, { slot }]) => `${ipVariable(name)}=${serviceIp(bed.networkId(0), slot)}`).join(' ');
    const remote = `cd '${mount}' && DOCKER_HOST=unix://${socket} ${ips} ${compose} -p my-app --project-directory . -f .rediacc/compose/my-app.yml up -d`;
    const ids = async () => (await run('docker', ['-H', `unix://${socket}`, 'ps', '-q'])).stdout.trim();
    const before = await ids();
    const baseline = async () => {
      const t0 = performance.now();
      await run('rsync', ['-a', '--delete', '--exclude', 'data/', '--exclude', '.rediacc/', '--exclude', '.rediacc.json', '-e', `ssh ${ssh.join(' ')}`, `${src}/`, `root@127.0.0.1:${join(bed.dir, 'rsync-target')}/`]);
      await run('ssh', [...ssh, 'root@127.0.0.1', remote]);
      return performance.now() - t0;
    };
    const ours: number[] = [];
    const theirs: number[] = [];
    const phases: Record<string, number[]> = {};
    for (let i = 0; i < RUNS; i++) {
      theirs.push(await baseline());
      const r = await rdcUp();
      ours.push(r.ms);
      for (const [k, v] of Object.entries(r.timings)) (phases[k] ??= []).push(v);
    }
    if ((await ids()) !== before) throw new Error('a container was recreated: the runs were not no-ops');
    const ratio = percentile(ours, 50) / percentile(theirs, 50);
    console.log(`\nrdc repo up (loopback sshd, the example app: 3 services, ${compose}; ${RUNS} alternated runs)`);
    console.log(`  first deploy (create, upload, mount, daemon, prep builds the image, up, routes live)  ${fmt(first.ms)}`);
    console.log(`    phases: ${Object.entries(first.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
    console.log(`  baseline: rsync + ssh '${compose} up -d'   median ${fmt(percentile(theirs, 50))}  p90 ${fmt(percentile(theirs, 90))}`);
    console.log(`  rdc repo up, unchanged and running        median ${fmt(percentile(ours, 50))}  p90 ${fmt(percentile(ours, 90))}   ratio ${ratio.toFixed(2)}x (target ≤ 1.3x)${ratio <= 1.3 ? '  ok' : '  OVER TARGET'}`);
    console.log(`    median phases: ${Object.entries(phases).map(([k, v]) => `${k} ${percentile(v, 50)} ms`).join(', ')}`);
  } finally {
    await bed.stop();
  }
}
