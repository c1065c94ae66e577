import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { onServer } from '../../core/infra/server-layout.js';
import type { ObservedFile } from '../../core/plan/file-plan.js';
import { hashFileSync } from '../../core/util/file-hash.js';

/** A file changed this recently may change again within the same timestamp tick: hashed, never cached (git's "racy" rule). */
const SETTLE_NS = 2_000_000_000n;

/**
 * The hash and mode of each path below `mount` that is a regular file, like observeFiles, but a
 * file whose size, mtime, ctime and inode are those recorded last time is not read again: an
 * unchanged repo of 20,000 files, or of one 2 GB file, is observed from stat alone. Any write
 * moves ctime, which no one can set back, so a changed file is always hashed again.
 */
export function observeRepoFiles(mount: string, cacheFile: string, paths: string[]): Map<string, ObservedFile> {
  let cache: Record<string, [string, string]> = {};
  try {
    cache = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as typeof cache) : {};
  } catch {
    // unreadable: hash everything again
  }
  const next: typeof cache = {};
  const observed = new Map<string, ObservedFile>();
  const now = BigInt(Date.now()) * 1_000_000n;
  for (const path of paths) {
    const full = onServer(mount, path);
    const st = statSync(full, { bigint: true, throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    const key = `${st.size}/${st.mtimeNs}/${st.ctimeNs}/${st.ino}`;
    const known = cache[path];
    const sha256 = known?.[0] === key ? known[1] : hashFileSync(full);
    if (now - st.ctimeNs > SETTLE_NS && now - st.mtimeNs > SETTLE_NS) next[path] = [key, sha256];
    observed.set(path, { sha256, mode: Number(st.mode) });
  }
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(`${cacheFile}.tmp`, JSON.stringify(next));
  renameSync(`${cacheFile}.tmp`, cacheFile);
  return observed;
}
