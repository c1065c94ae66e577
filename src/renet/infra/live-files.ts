import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from '../../core/render/rendered-file.js';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import type { ObservedFile } from '../../core/plan/file-plan.js';
import { hashFileSync } from '../../core/util/file-hash.js';

export interface WantedFile {
  path: string;
  sha256: string;
  mode: number;
}

/** Where push-infra keeps its own state on the server, under the root prefix. */
export function infraDirs(rootPrefix: string) {
  const at = (path: string) => onServer(rootPrefix, path);
  return { base: at(SERVER_PATHS.infraDir), staging: at(SERVER_PATHS.infraStaging), lock: at(SERVER_PATHS.infraLock), journal: at(SERVER_PATHS.infraJournal) };
}

/**
 * One push's own staging dir: two pushes at once (two users, two configs) never take or remove
 * each other's files; apply removes its batch when it is done, and batches a cut push left behind
 * are swept by the next apply.
 */
export function infraBatchDir(rootPrefix: string, batch: string): string {
  if (!/^[0-9a-f]{8,64}$/.test(batch)) throw new Error('infra: a staging batch is 8 to 64 hex digits');
  return join(infraDirs(rootPrefix).staging, batch);
}

/** Removes a push's batch, and every batch older than an hour (a push cut between stage and apply). */
export function dropBatches(rootPrefix: string, batch: string | undefined): void {
  const { staging } = infraDirs(rootPrefix);
  if (batch) rmSync(infraBatchDir(rootPrefix, batch), { recursive: true, force: true });
  for (const name of existsSync(staging) ? readdirSync(staging) : []) {
    const st = statSync(join(staging, name), { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 3_600_000) rmSync(join(staging, name), { recursive: true, force: true });
  }
}

/**
 * The staged content of each file, read once and checked against its sha256: what goes live is
 * these very bytes, so a staged file changed after the check changes nothing.
 */
export function readStaged(rootPrefix: string, batch: string | undefined, files: WantedFile[]): { file: WantedFile; content: Buffer; source: string }[] {
  const dir = batch ? infraBatchDir(rootPrefix, batch) : infraDirs(rootPrefix).staging;
  return files.map((file) => {
    const source = join(dir, file.sha256);
    const content = existsSync(source) ? readFileSync(source) : undefined;
    if (!content || sha256(content) !== file.sha256) throw new Error(`the staged content of ${file.path} is missing or damaged; push again`);
    return { file, content, source };
  });
}

/** The hash and mode of each path below `root` that is a regular file (absent ones, and directories, are not). */
export function observeFiles(root: string, paths: string[]): Map<string, ObservedFile> {
  const observed = new Map<string, ObservedFile>();
  for (const path of paths) {
    const live = onServer(root, path);
    const st = statSync(live, { throwIfNoEntry: false });
    if (st?.isFile()) observed.set(path, { sha256: hashFileSync(live), mode: st.mode });
  }
  return observed;
}

/**
 * Puts staged files live so that the tree is the old one or the new one: every new file is first
 * copied next to its target (`.rdc-new`, same filesystem, fsynced), a journal lists them, and only
 * then are they renamed into place. A swap cut short (power loss) is finished by the next run
 * from the journal; nothing half-written is ever at a live path.
 */
export function swapIn(rootPrefix: string, staged: { file: WantedFile; content: Buffer }[]): void {
  const dirs = infraDirs(rootPrefix);
  const moves = staged.map(({ file, content }) => {
    const target = onServer(rootPrefix, file.path);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    const next = `${target}.rdc-new`;
    // Created with the file's mode (0600 for config.env): the token is never readable by others, not even briefly.
    rmSync(next, { force: true });
    writeFileSync(next, content, { mode: file.mode & 0o700 });
    chmodSync(next, file.mode);
    const fd = openSync(next, 'r');
    fsyncSync(fd);
    closeSync(fd);
    return { next, target };
  });
  writeFileSync(dirs.journal, JSON.stringify(moves));
  finishSwap(rootPrefix);
}

/** Completes the renames a journal lists (idempotent), then drops the journal. */
export function finishSwap(rootPrefix: string): boolean {
  const { journal } = infraDirs(rootPrefix);
  if (!existsSync(journal)) return false;
  const moves = JSON.parse(readFileSync(journal, 'utf8')) as { next: string; target: string }[];
  for (const { next, target } of moves) if (existsSync(next)) renameSync(next, target);
  rmSync(journal, { force: true });
  return true;
}
