import { chmodSync, copyFileSync, linkSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashFileSync } from '../../core/util/file-hash.js';
import { planSync, safeRelativePath, type SourceFile, type SyncPlan } from '../../core/repo/sync-plan.js';
import { observeRepoFiles } from './observe-cache.js';
import type { RepoPaths } from './request.js';

/** Where rdc's uploads wait, by sha256, on the volume itself: moving them into place is a rename. */
export function incomingDir(p: RepoPaths): string {
  return join(p.state, 'incoming');
}

const syncedList = (p: RepoPaths) => join(p.state, 'synced.json');
const rollbackDir = (p: RepoPaths) => join(p.state, 'rollback');
/** renet's record of the hashes it read (observe-cache.ts): state, never synced or part of a plan. */
const hashCache = (p: RepoPaths) => join(p.state, 'hashes.json');

/**
 * The sync plan for a manifest against what the mounted repo holds now. Changes nothing but
 * renet's own state (the hash cache, the staging dir): a staged upload whose bytes do not match its name (cut short, changed while it was
 * sent) is dropped, so it is asked for again instead of being put in place.
 */
export function observeAndPlan(p: RepoPaths, manifest: SourceFile[]): SyncPlan {
  const bad = manifest.filter((f) => !safeRelativePath(f.path) || !/^[0-9a-f]{64}$/.test(f.sha256));
  if (bad.length) throw new Error(`manifest: refusing unsafe paths: ${bad.slice(0, 3).map((f) => JSON.stringify(f.path)).join(', ')}`);
  const previous = existsSync(syncedList(p)) ? (JSON.parse(readFileSync(syncedList(p), 'utf8')) as string[]) : [];
  const observed = observeRepoFiles(p.mount, hashCache(p), [...new Set([...manifest.map((f) => f.path), ...previous])]);
  const staged = new Set(existsSync(incomingDir(p)) ? readdirSync(incomingDir(p)) : []);
  const plan = planSync(manifest, observed, previous, staged);
  const corrupt = [...new Set(plan.place.map((f) => f.sha256))].filter((sha) => hashFileSync(join(incomingDir(p), sha)) !== sha);
  if (!corrupt.length) return plan;
  for (const sha of corrupt) {
    rmSync(join(incomingDir(p), sha), { force: true });
    staged.delete(sha);
  }
  return planSync(manifest, observed, previous, staged);
}

/**
 * Applies a plan whose uploads are all staged. Every file it replaces or deletes is kept aside, so
 * a failing prep() can put the repo back exactly as it was (`rollback`); `commit` drops the copies.
 * If applying itself fails, it rolls back before throwing.
 */
export function applySync(p: RepoPaths, manifest: SourceFile[], plan: SyncPlan): { rollback(): void; commit(): void } {
  const aside = rollbackDir(p);
  rmSync(aside, { recursive: true, force: true });
  const touched: { path: string; hadOld: boolean }[] = [];
  const setAside = (path: string) => {
    const full = join(p.mount, path);
    const hadOld = existsSync(full);
    if (hadOld) {
      mkdirSync(dirname(join(aside, path)), { recursive: true });
      renameSync(full, join(aside, path));
    }
    touched.push({ path, hadOld });
  };
  const previousList = existsSync(syncedList(p)) ? readFileSync(syncedList(p), 'utf8') : undefined;
  const modes: { full: string; old: number }[] = [];
  const tx = {
    rollback() {
      for (const { path, hadOld } of [...touched].reverse()) {
        const full = join(p.mount, path);
        rmSync(full, { recursive: true, force: true });
        if (hadOld) {
          mkdirSync(dirname(full), { recursive: true });
          renameSync(join(aside, path), full);
        }
      }
      for (const { full, old } of modes) chmodSync(full, old);
      if (previousList === undefined) rmSync(syncedList(p), { force: true });
      else writeFileSync(syncedList(p), previousList);
      rmSync(aside, { recursive: true, force: true });
    },
    commit() {
      rmSync(aside, { recursive: true, force: true });
      // Only what this sync used: another upload may be waiting in the same staging dir.
      for (const file of plan.place) rmSync(join(incomingDir(p), file.sha256), { force: true });
    },
  };
  const linked = new Set<string>();
  try {
    for (const file of plan.place) {
      setAside(file.path);
      const full = join(p.mount, file.path);
      mkdirSync(dirname(full), { recursive: true });
      placeStaged(join(incomingDir(p), file.sha256), full, linked);
      chmodSync(full, file.mode);
    }
    for (const file of plan.chmod) {
      const full = join(p.mount, file.path);
      modes.push({ full, old: statSync(full).mode & 0o777 });
      chmodSync(full, file.mode);
    }
    for (const path of plan.delete) {
      setAside(path);
      removeEmptyParents(p.mount, dirname(join(p.mount, path)));
    }
    mkdirSync(p.state, { recursive: true });
    writeFileSync(syncedList(p), JSON.stringify(manifest.map((f) => f.path)));
  } catch (err) {
    // Half a sync is never left behind (a file where the repo has a directory, a full disk…).
    tx.rollback();
    throw err;
  }
  return tx;
}

/**
 * A hard link where it can (same volume: instant, and no second copy of a big file; the content was
 * checked against its name just before), else a copy. The staged name stays until commit, so a
 * rollback and a retry still find it.
 */
function placeStaged(staged: string, target: string, linked: Set<string>): void {
  // One link per content: two paths sharing an inode would share their mode and every later write.
  if (!linked.has(staged)) {
    try {
      linkSync(staged, target);
      linked.add(staged);
      return;
    } catch {
      // another filesystem, or links refused: copy
    }
  }
  copyFileSync(staged, target);
}

function removeEmptyParents(root: string, dir: string): void {
  while (dir.startsWith(`${root}/`)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty
    }
    dir = dirname(dir);
  }
}

