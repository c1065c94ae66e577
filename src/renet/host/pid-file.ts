import { readFileSync } from 'node:fs';

/*
 * Processes renet knows by a PID file: `renet supervise` (host/supervisor.ts) and the owner of a
 * lock (infra/lock.ts). A PID alone is not enough: the process may be a zombie, or the PID reused.
 */

/** A live process: it exists and is not a zombie (PID 1 reaps late on some hosts, and zombies answer kill -0). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The live PID a pidfile names, optionally checking its command line (a reused PID is not ours). */
export function pidFromFile(file: string, cmdlineHas?: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    if (!pidAlive(pid)) return undefined;
    return cmdlineHas === undefined || readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(cmdlineHas) ? pid : undefined;
  } catch {
    return undefined;
  }
}
