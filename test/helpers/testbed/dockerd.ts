import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dockerdArgs } from '../../../src/core/repo/dockerd-args.js';
import { unmountUnder } from './mounts.js';
import { requireTool } from './tools.js';
import { waitFor } from './ports.js';

const run = promisify(execFile);

export interface Dockerd {
  socket: string;
  pid: number;
  /** Runs the docker CLI against this daemon. */
  docker(...args: string[]): Promise<string>;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: the socket file stays; stop() later cleans up what it left behind. */
  kill(): Promise<void>;
}

/**
 * An isolated dockerd as in production (SYSTEM.md §4): its own socket, data-root, exec-root,
 * pidfile and config file, `--bridge=none --iptables=false` (testbed-notes §2). Never Docker's
 * default paths: the machine is shared.
 */
export async function startDockerd(socket: string, dataDir: string): Promise<Dockerd> {
  const dockerd = requireTool('dockerd');
  const dockerCli = requireTool('docker');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'daemon.json'), '{}\n');
  // The command line a repo daemon gets in production; its argv[0] is the program, found here by path.
  const args = dockerdArgs({ socket, dataRoot: join(dataDir, 'data'), execRoot: join(dataDir, 'exec'), pidfile: join(dataDir, 'dockerd.pid'), config: join(dataDir, 'daemon.json') }).slice(1);
  const child = spawn(dockerd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const pid = child.pid as number;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The log goes into the message when the wait fails (read now it would always be empty).
  await waitFor(`dockerd on ${socket}`, async () => ((await ping(socket)) ? true : undefined), 30_000, 50)
    .catch((err: Error) => { throw new Error(`${err.message} (log: ${log.slice(-300)})`); });
  const docker = async (...args: string[]) => (await run(dockerCli, ['-H', `unix://${socket}`, ...args], { maxBuffer: 16 << 20 })).stdout;
  let stopped = false;
  let orphans: number[] = [];
  return {
    socket,
    pid,
    docker,
    async kill() {
      // The container processes outlive a SIGKILLed dockerd (their shims belong to PID 1): note them now.
      const ids = (await docker('ps', '-q')).split('\n').filter(Boolean);
      if (ids.length) orphans = (await docker('inspect', '-f', '{{.State.Pid}}', ...ids)).split('\n').filter(Boolean).map(Number);
      process.kill(pid, 'SIGKILL');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (alive(pid)) {
        const ids = (await docker('ps', '-aq').catch(() => '')).split('\n').filter(Boolean);
        if (ids.length) await docker('rm', '-f', ...ids).catch(() => undefined);
        process.kill(pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      } else {
        // After a SIGKILL: the containers, then containerd and its shims (their command lines name our exec-root).
        for (const p of [...orphans, ...pidsMentioning(`${dataDir}/`)]) killQuietly(p);
        await new Promise((r) => setTimeout(r, 300));
      }
      // netns and overlay mounts can outlive dockerd (testbed-notes pitfall 11).
      unmountUnder(dataDir);
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      rmSync(socket, { force: true });
    },
  };
}

/** PIDs whose command line contains `text` (never our own process). */
function pidsMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // the process is gone
    }
  }
  return pids;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    // Zombies still answer kill -0 (PID 1 reaps late here): read the state instead.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** True when a Docker daemon answers /_ping on this socket. */
export function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}
