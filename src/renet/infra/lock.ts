import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../local.js';

/**
 * One push at a time per machine (one operation at a time per repo): an atomic mkdir, holding the owner's PID. A second one waits
 * (polling) up to `timeoutMs`, then fails with a clear message; a lock whose owner died is taken over.
 */
export async function withLock<T>(dir: string, timeoutMs: number, work: () => Promise<T>, what = 'push to this machine'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (ownerGone(dir)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`another ${what} is still running (lock ${dir} held by PID ${owner(dir) ?? '?'}); waited ${Math.round(timeoutMs / 1000)} s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
