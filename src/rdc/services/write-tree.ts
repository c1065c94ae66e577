import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../../core/errors.js';
import { planFiles, type FileOperation, type ObservedFile } from '../../core/plan/file-plan.js';
import { sha256, type RenderedFile } from '../../core/render/rendered-file.js';

/**
 * Writes a rendered tree under `dir`: observe what is there, plan, then carry the plan out. Each
 * file goes through a temp file + rename so that no reader sees half a file, with its own mode
 * (0600 for secrets). With dryRun only the plan is returned.
 */
export async function writeTree(cwd: string, dir: string, files: RenderedFile[], dryRun = false) {
  const root = resolve(cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UserError(`--output: ${root} exists and is not a directory.`, { hint: 'Give a new or existing directory.' });
  const plan = planFiles(files.map((f) => ({ ...f, sha256: sha256(f.content) })), await observeTree(root, files));
  try {
    if (!dryRun) for (const op of plan) await execute(root, op);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`--output: cannot write into ${root} (${e.code ?? e.message}${e.path ? ` at ${e.path}` : ''}).`, { hint: 'Pick a directory you can write to.' });
  }
  return { directory: root, plan };
}

async function observeTree(root: string, files: RenderedFile[]): Promise<Map<string, ObservedFile>> {
  const observed = new Map<string, ObservedFile>();
  for (const file of files) {
    const path = join(root, file.path);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) observed.set(file.path, { sha256: sha256(await readFile(path, 'utf8')), mode: info.mode });
  }
  return observed;
}

async function execute(root: string, { op, file }: FileOperation<RenderedFile & { sha256: string }>): Promise<void> {
  const target = join(root, file.path);
  if (op === 'chmod') await chmod(target, file.mode);
  if (op !== 'create' && op !== 'update') return;
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  const tmp = `${target}.rdc-tmp-${process.pid}`;
  await writeFile(tmp, file.content, { mode: file.mode });
  await chmod(tmp, file.mode);
  await rename(tmp, target);
}
