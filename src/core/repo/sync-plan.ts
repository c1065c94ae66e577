import { planFiles, type DesiredFile, type ObservedFile } from '../plan/file-plan.js';

export type { ObservedFile };

/** One file of a repo's source, as rdc hashed it locally: a relative path, mode 0o755 or 0o644 (only the executable bit travels). */
export type SourceFile = DesiredFile;

export interface SyncPlan {
  /** Already in place with this content and mode. */
  keep: string[];
  /** Content already on the server (uploaded to the staging dir): moved into place. */
  place: SourceFile[];
  /** Same content, other mode. */
  chmod: SourceFile[];
  /** Content the server lacks, by sha256 (each content uploaded once). */
  upload: string[];
  /** Synced last time, gone from the source now. */
  delete: string[];
}

/**
 * What a sync must do (pure): desired files against what the repo holds, what was staged, and the
 * paths the previous sync wrote. Only files rdc synced are ever deleted; what the app writes at
 * runtime (prep() output, data dirs) is not rdc's to remove.
 */
export function planSync(desired: SourceFile[], observed: Map<string, ObservedFile>, previous: string[], staged: Set<string>): SyncPlan {
  const plan: SyncPlan = { keep: [], place: [], chmod: [], upload: [], delete: [] };
  // Only the executable bit travels: the repo's files are compared as 0755 or 0644.
  const asSynced = new Map([...observed].map(([path, o]) => [path, { ...o, mode: o.mode & 0o111 ? 0o755 : 0o644 }]));
  const missing = new Set<string>();
  for (const { op, file } of planFiles(desired, asSynced)) {
    if (op === 'keep') plan.keep.push(file.path);
    else if (op === 'chmod') plan.chmod.push(file);
    else if (staged.has(file.sha256)) plan.place.push(file);
    else missing.add(file.sha256);
  }
  const wanted = new Set(desired.map((f) => f.path));
  plan.upload = [...missing].sort();
  plan.delete = previous.filter((p) => !wanted.has(p) && observed.has(p)).sort();
  return plan;
}

/** Paths rdc never syncs and renet never lets a manifest touch: renet's own state inside the repo. */
export function reservedPath(path: string): boolean {
  return path === '.rediacc.json' || path.split('/').includes('.rediacc');
}

/** A manifest path renet may write: relative, normalized, no `..`, not reserved. */
export function safeRelativePath(path: string): boolean {
  if (!path || path.startsWith('/') || path.includes('\0') || path.includes('\\')) return false;
  const parts = path.split('/');
  return parts.every((p) => p !== '' && p !== '.' && p !== '..') && !reservedPath(path);
}

/** A plan as counts, for reports: what `repo up` did, or what `--dry-run` would do. */
export function syncCounts(plan: SyncPlan): { placed: number; chmod: number; deleted: number; kept: number; upload: number } {
  return { placed: plan.place.length, chmod: plan.chmod.length, deleted: plan.delete.length, kept: plan.keep.length, upload: plan.upload.length };
}
