import type { Problem } from '../errors.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function entriesOf(v: unknown): [string, Obj][] {
  return isObj(v) ? Object.entries(v).map(([k, val]) => [k, isObj(val) ? val : {}]) : [];
}

/** Collects lint problems under dotted paths like `entryPoints.web.address`. */
export class Lint {
  readonly problems: Problem[] = [];

  add(where: string, message: string): void {
    this.problems.push({ where, message });
  }

  /** `@` separates a name from its provider; Traefik refuses it inside a name. */
  name(where: string, name: string): void {
    if (name.includes('@')) this.add(where, `name "${name}" contains '@', which Traefik reserves for provider suffixes (name@file)`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name.replace('@', ''))) this.add(where, `name "${name}" should use only letters, digits, '-', '_' and '.'`);
  }

  oneOf(where: string, value: unknown, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(String(value))) this.add(where, `"${String(value)}" is not one of ${allowed.join(', ')}`);
  }
}
