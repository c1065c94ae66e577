import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN } from '../helpers/paths.js';
import { manySmallFiles } from '../helpers/many-files.js';
import { startRepoBed } from '../helpers/repo-bed.js';
import { fmt, percentile } from './stats.js';

// Never the *Sync child_process calls while the bed runs: this process reads the test sshd's log pipe.
const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_REPO_LARGE_RUNS ?? 5);
const FILES = Number(process.env.BENCH_REPO_FILES ?? 20_000);

/**
 * `rdc repo up` at scale on the loopback test bed, as processes: the first sync of 20,000 small
 * files, then no-op re-ups; and a sparse 2.1 GB file, with rdc's peak RSS (GNU time's %M), which
 * stays flat because the file is hashed and uploaded by streaming.
 */
export async function repoLargeBench(): Promise<void> {
  // A short label: containerd's debug socket path under the bed's temp dir must stay within 104 bytes.
  const bed = await startRepoBed('blg');
  try {
    const env = { ...process.env, RDC_CONFIG: join(bed.dir, 'config.yaml'), HOME: '/nonexistent-home', NO_COLOR: '1' };
    const up = async (args: string[]) => {
      const t0 = performance.now();
      const r = await run('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, BIN, '--json', 'repo', 'up', ...args], { env, maxBuffer: 64 << 20 }).catch((err: Error) => {
        // The server's side of a failure, before the bed (and its logs) go away.
        const logs = join(bed.server.rootPrefix, 'var/log/rediacc');
        const tails = readdirSync(logs).map((f) => `== ${f}\n${readFileSync(join(logs, f), 'utf8').slice(-3000)}`).join('\n');
        throw new Error(`${err.message}\n${tails}`);
      });
      const ms = performance.now() - t0;
      const rssMb = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
      return { ms, rssMb, timings: (JSON.parse(r.stdout) as { timings: Record<string, number> }).timings };
    };
    const phases = (t: Record<string, number>) => Object.entries(t).map(([k, v]) => `${k} ${v} ms`).join(', ');

    const many = join(bed.dir, 'src', 'many');
    manySmallFiles(many, FILES);
    const first = await up(['many', '-m', 's1', '--path', many, '--mount', '--network-id', String(bed.networkId(0)), '--size', '1G']);
    const again: number[] = [];
    let last = first;
    for (let i = 0; i < RUNS; i++) {
      last = await up(['many']);
      again.push(last.ms);
    }
    console.log(`\nrdc repo up of ${FILES} small files (loopback sshd, one SFTP session)`);
    console.log(`  first sync (create, mount, hash, upload all, place)   ${fmt(first.ms)}   peak RSS ${first.rssMb.toFixed(0)} MB`);
    console.log(`    phases: ${phases(first.timings)}`);
    console.log(`  no-op re-up (${RUNS} runs)                              median ${fmt(percentile(again, 50))}  max ${fmt(Math.max(...again))}   peak RSS ${last.rssMb.toFixed(0)} MB`);
    console.log(`    phases of the last: ${phases(last.timings)}`);

    const bigDir = join(bed.dir, 'src', 'big');
    mkdirSync(bigDir, { recursive: true });
    writeFileSync(join(bigDir, 'Rediaccfile'), 'up() { :; }\n');
    const big = join(bigDir, 'big.bin');
    await run('truncate', ['-s', '2100M', big]);
    const fd = openSync(big, 'r+');
    writeSync(fd, 'end\n', 2100 * 1024 * 1024 - 4);
    closeSync(fd);
    const bigFirst = await up(['big', '-m', 's1', '--path', bigDir, '--mount', '--network-id', String(bed.networkId(1)), '--size', '3G']);
    const bigAgain = await up(['big']);
    // renet records a hash only for files older than 2 s: the first re-up reads the file it just placed, the next one only stats it.
    const bigThird = await up(['big']);
    console.log('\nrdc repo up of one sparse 2.1 GB file (streamed: hash, upload, server-side check)');
    console.log(`  first sync   ${fmt(bigFirst.ms)}   peak RSS ${bigFirst.rssMb.toFixed(0)} MB   (${phases(bigFirst.timings)})`);
    console.log(`  no-op re-up  ${fmt(bigAgain.ms)}   peak RSS ${bigAgain.rssMb.toFixed(0)} MB   (${phases(bigAgain.timings)})`);
    console.log(`  and again    ${fmt(bigThird.ms)}   peak RSS ${bigThird.rssMb.toFixed(0)} MB   (${phases(bigThird.timings)})`);
    for (const repo of ['many', 'big']) await run(process.execPath, [BIN, 'repo', 'delete', repo, '--yes'], { env });
  } finally {
    await bed.stop();
  }
}
