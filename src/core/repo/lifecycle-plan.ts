/** Where Rediaccfiles live in a repo: '' is the root, others are first-level subdirectories. */
export type RediaccDir = string;

export type Phase = 'up' | 'down' | 'prep-only';

export interface LifecycleStep {
  dir: RediaccDir;
  fn: 'prep' | 'up' | 'down';
  /** What a failure of this step does: stop everything, or note it and go on. */
  onFailure: 'stop' | 'continue';
}

/**
 * The directories that hold a Rediaccfile, from a listing of candidate paths: the root and
 * first-level subdirectories, hidden ones skipped, the root first then A→Z. Pure.
 */
export function rediaccDirs(paths: string[]): RediaccDir[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    if (parts.length === 1 && parts[0] === 'Rediaccfile') dirs.add('');
    else if (parts.length === 2 && parts[1] === 'Rediaccfile' && !(parts[0] ?? '').startsWith('.')) dirs.add(parts[0] as string);
  }
  return [...dirs].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The order of SYSTEM.md §4: `prep()` of every Rediaccfile first (fail-fast), then `up()` root first
 * and subdirectories A→Z (a failing root stops the rest); `down()` subdirectories Z→A then the root,
 * best effort. Pure.
 */
export function lifecycleSteps(dirs: RediaccDir[], phase: Phase): LifecycleStep[] {
  const ordered = rediaccDirs(dirs.map((d) => (d ? `${d}/Rediaccfile` : 'Rediaccfile')));
  const prep = ordered.map((dir): LifecycleStep => ({ dir, fn: 'prep', onFailure: 'stop' }));
  if (phase === 'prep-only') return prep;
  if (phase === 'up') return [...prep, ...ordered.map((dir): LifecycleStep => ({ dir, fn: 'up', onFailure: dir === '' ? 'stop' : 'continue' }))];
  return [...ordered].reverse().map((dir): LifecycleStep => ({ dir, fn: 'down', onFailure: 'continue' }));
}
