import { chmod, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { sha256, type RenderedFile } from '../render/rendered-file.js';

/**
 * Writes a rendered tree under `dir`, each file through a temp file + rename so that a reader
 * (or a later rsync) never sees half a file, with the file's own mode (0600 for secrets).
 */
export async function writeTree(cwd: string, dir: string, files: RenderedFile[]) {
  const root = resolve(cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UserError(`--output: ${root} exists and is not a directory.`, { hint: 'Give a new or existing directory.' });
  const written: { path: string; mode: string; sha256: string }[] = [];
  for (const file of files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    const tmp = `${target}.rdc-tmp-${process.pid}`;
    await writeFile(tmp, file.content, { mode: file.mode });
    await chmod(tmp, file.mode);
    await rename(tmp, target);
    written.push({ path: file.path, mode: file.mode.toString(8).padStart(4, '0'), sha256: sha256(file.content) });
  }
  return { directory: root, files: written };
}
