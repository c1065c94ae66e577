/** A file as the plan needs it: where, which content (by hash), which mode. */
export interface DesiredFile {
  path: string;
  sha256: string;
  mode: number;
}

/** What is already at a path: its content hash and mode (absent when there is no file). */
export interface ObservedFile {
  sha256: string;
  mode: number;
}

export interface FileOperation<F extends DesiredFile = DesiredFile> {
  op: 'create' | 'update' | 'chmod' | 'keep';
  file: F;
  cause: string;
}

/**
 * Compares the files we want with what is there, by content hash and mode. Pure; the executor
 * that follows makes no decisions of its own, and `--dry-run` prints exactly this.
 */
export function planFiles<F extends DesiredFile>(desired: F[], observed: Map<string, ObservedFile>): FileOperation<F>[] {
  return desired.map((file) => {
    const seen = observed.get(file.path);
    if (!seen) return { op: 'create', file, cause: 'not there yet' };
    if (seen.sha256 !== file.sha256) return { op: 'update', file, cause: 'content changed' };
    if ((seen.mode & 0o7777) !== file.mode) return { op: 'chmod', file, cause: `mode ${octal(seen.mode & 0o7777)} → ${octal(file.mode)}` };
    return { op: 'keep', file, cause: 'unchanged' };
  });
}

export function planSummary(ops: FileOperation[]): string {
  const count = (op: FileOperation['op']) => ops.filter((o) => o.op === op).length;
  const parts = [`${count('create')} to create`, `${count('update')} to update`];
  if (count('chmod')) parts.push(`${count('chmod')} to chmod`);
  parts.push(`${count('keep')} unchanged`);
  return parts.join(', ');
}

export function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
