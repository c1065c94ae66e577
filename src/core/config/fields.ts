import { childPath, type Diagnostics } from './diagnostics.js';
import { show, type Check } from './validators.js';

/** Small readers over untyped YAML data; each reports to Diagnostics with the value's path. */
export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, path: string, d: Diagnostics): Obj | undefined {
  if (value === undefined || value === null) return {};
  if (isObject(value)) return value;
  d.error(path, `expected a mapping (key: value pairs), found ${describe(value)}`);
  return undefined;
}

/** Warns about keys this version does not know (a typo, or a newer rdc wrote them). */
export function warnUnknownKeys(obj: Obj, known: readonly string[], path: string, d: Diagnostics): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) d.warn(childPath(path, key), `unknown key, ignored (known keys: ${known.join(', ')})`);
  }
}

/** A string checked by a validator. */
export function str<T>(check: (v: string) => Check<T>): (v: unknown) => Check<T> {
  return (v) => (typeof v === 'string' ? check(v) : { ok: false, expected: `expected a string, found ${describe(v)}` });
}

/** Reads obj[key]; undefined when absent (or reports it when required). */
export function readField<T>(obj: Obj, key: string, path: string, d: Diagnostics, check: (v: unknown) => Check<T>, required = false): T | undefined {
  const value = obj[key];
  const where = childPath(path, key);
  if (value === undefined || value === null) {
    if (required) d.error(where, 'is required');
    return undefined;
  }
  const result = check(value);
  if (result.ok) return result.value;
  d.error(where, result.expected);
  return undefined;
}

/** Reads a list, checking every item and reporting each bad one at its index. */
export function readList<T>(obj: Obj, key: string, path: string, d: Diagnostics, check: (v: unknown) => Check<T>): T[] {
  const value = obj[key];
  const where = childPath(path, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    d.error(where, `expected a list, found ${describe(value)}`);
    return [];
  }
  const items: T[] = [];
  value.forEach((item, i) => {
    const result = check(item);
    if (result.ok) items.push(result.value);
    else d.error(childPath(where, i), result.expected);
  });
  return items;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  // YAML tags the parser types (!!timestamp, !!binary, !!set, !!omap) are said as what they are.
  if (value instanceof Date) return 'a date (a !!timestamp or date-like value; quote it to keep it text)';
  if (value instanceof Uint8Array) return 'binary data (a !!binary value)';
  if (value instanceof Set || value instanceof Map) return 'a mapping (a !!set or !!omap value)';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${show(value)}`;
}
