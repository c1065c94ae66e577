import { show } from './validators.js';
import type { Problem } from '../errors.js';

/** Collects every problem found while parsing one input, each with the path it was found at. */
export class Diagnostics {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];

  error(where: string, message: string): void {
    this.errors.push({ where, message });
  }

  warn(where: string, message: string): void {
    this.warnings.push({ where, message });
  }
}

/**
 * `contexts.default.machines.server-1` — the path notation used in every config message. A key that
 * is long or holds unprintable characters (a hand-edited or foreign file) is shown quoted and cut.
 */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const shown = /^[\x20-\x7e]{1,60}$/.test(key) ? key : show(key);
  return path ? `${path}.${shown}` : shown;
}
