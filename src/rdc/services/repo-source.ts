import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ignore from 'ignore';
import { UserError } from '../../core/errors.js';
import { reservedPath, type SourceFile } from '../../core/repo/sync-plan.js';
import { hashFile, hashFileSync } from '../../core/util/file-hash.js';

/** rdc's ignore file at the root of the source: gitignore syntax. */
export const IGNORE_FILE = '.rediaccignore';
/** Never synced: version control and renet's own state in the repo. */
const ALWAYS_IGNORED = ['.git/', '.rediacc/', '.rediacc.json'];

export interface LocalSource {
  dir: string;
  files: SourceFile[];
  /** Symlinks and special files are not synced; named so the user knows. */
  skipped: string[];
  /** The whole file: only for the small files the local check reads (Rediaccfiles, compose files). */
  readText(path: string): string;
  /** Where a file of the manifest is on disk: uploads stream from it. */
  localPath(path: string): string;
}

/** Up to this size a file is hashed synchronously, in one read. */
const SMALL_FILE = 1 << 20;

/**
 * The local source directory as a manifest: every regular file not ignored, hashed by streaming
 * (constant memory, any size). Only the executable bit of the mode travels (0755 or 0644).
 */
export async function readSource(cwd: string, dir: string): Promise<LocalSource> {
  const root = resolve(cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`--path: ${root} is not a directory`, { hint: 'Give the directory holding the Rediaccfile, e.g. --path ./my-app' });
  const rules = ignore().add(ALWAYS_IGNORED);
  rules.add(await readIgnoreFile(join(root, IGNORE_FILE)));
  const found: string[] = [];
  const skipped: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (rules.ignores(e.isDirectory() ? `${path}/` : path) || reservedPath(path)) continue;
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) found.push(path);
      else skipped.push(path);
    }
  };
  await walk('');
  const files: SourceFile[] = [];
  for (const [i, path] of found.entries()) {
    // Small files are read in one synchronous call (a stream, or even a promise, per file costs
    // more than hashing thousands of them); a turn of the event loop now and then keeps a spinner
    // and Ctrl-C alive. Big ones stream, at constant memory.
    if (i % 512 === 511) await new Promise((r) => setImmediate(r));
    const full = join(root, path);
    const st = statSync(full);
    files.push({ path, sha256: st.size <= SMALL_FILE ? hashFileSync(full) : await hashFile(full), mode: st.mode & 0o111 ? 0o755 : 0o644 });
  }
  return { dir: root, files, skipped, readText: (path) => readSmall(join(root, path)), localPath: (path) => join(root, path) };
}

/** What the local check reads whole is text a person wrote: anything this big is a mistake, said plainly. */
const MAX_READ = 16 << 20;

function readSmall(path: string): string {
  const { size } = statSync(path);
  if (size > MAX_READ) throw new UserError(`${path} is ${size} bytes: too big for a Rediaccfile or compose file (at most ${MAX_READ}); nothing was sent to the server.`, { hint: 'Rename the file, or list it in .rediaccignore if it is not meant to be synced.' });
  return readFileSync(path, 'utf8');
}

/** Absent is fine; unreadable is not: syncing what the user meant to keep local could leak secrets. */
async function readIgnoreFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new UserError(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing was synced.`, { hint: 'Fix its permissions: rdc must honour it before syncing anything.' });
  }
}
