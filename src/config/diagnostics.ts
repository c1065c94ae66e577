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

/** `contexts.default.machines.server-1` — the path notation used in every config message. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}
