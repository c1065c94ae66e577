import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../../core/util/wait-until.js';
import { pidAlive } from '../host/pid-file.js';

/**
 * One push at a time per machine (one operation at a time per repo): an atomic mkdir, holding the owner's PID. A second one waits
 * (polling) up to `timeoutMs`, then fails with a clear message; a lock whose owner died is taken over.
 */
export async function withLock<T>(dir: string, timeoutMs: number, work: () => Promise<T>, what = 'push to this machine'): Promise<T> {
  if (!(await waitUntil(() => take(dir), { timeoutMs, everyMs: 100 }))) {
    throw new Error(`another ${what} is still running (lock ${dir} held by PID ${owner(dir) ?? '?'}); waited ${Math.round(timeoutMs / 1000)} s`);
  }
  try {
    return await work();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Takes the lock (true), or undefined while a live owner holds it; a dead owner's lock is taken over at once. */
function take(dir: string): true | undefined {
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!ownerGone(dir)) return undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function owner(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, 'pid'), 'utf8'));
  } catch {
    return undefined;
  }
}

function ownerGone(dir: string): boolean {
  // No PID yet: the owner is between mkdir and writing it.
  const pid = owner(dir);
  return Boolean(pid) && !pidAlive(pid as number);
}
