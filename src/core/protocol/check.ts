import { RdcError } from '../errors.js';

/**
 * The reply checkers of the rdc ↔ renet protocol (pure). A check looks at one decoded JSON value and
 * returns it unchanged, typed; the types of the replies are inferred from their checks, so what rdc
 * reads and what it checks cannot drift apart. A value that does not fit throws a FieldProblem
 * naming its dotted path, which checkReply turns into `renet <verb> replied without "<field>"`.
 * Checks pass unknown fields through: a newer renet may say more, and rdc prints replies as they came.
 */
export interface Check<T> {
  (value: unknown, at: string): T;
  /** Set on optional(): the field may be absent (or undefined). */
  readonly optional?: true;
}

export type Out<C> = C extends Check<infer T> ? T : never;

type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] } & unknown;
export type ObjectOf<S extends Shape> = Flat<{ [K in Exclude<keyof S, OptionalKeys<S>>]: Out<S[K]> } & { [K in OptionalKeys<S>]?: Out<S[K]> }>;

/** A field that is missing or not what the protocol says. */
export class FieldProblem extends Error {
  constructor(readonly field: string, readonly problem: 'missing' | string) {
    super(problem === 'missing' ? `without "${field}"` : `"${field}" as ${problem}`);
  }
}

function kind(expected: string, test: (v: unknown) => boolean): Check<never> {
  return ((value: unknown, at: string) => {
    if (value === undefined) throw new FieldProblem(at, 'missing');
    if (!test(value)) throw new FieldProblem(at, `${shown(value)}, not ${expected}`);
    return value as never;
  }) as Check<never>;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str: Check<string> = kind('a string', (v) => typeof v === 'string');
export const num: Check<number> = kind('a number', (v) => typeof v === 'number' && Number.isFinite(v));
export const int: Check<number> = kind('an integer', (v) => Number.isInteger(v));
export const bool: Check<boolean> = kind('true or false', (v) => typeof v === 'boolean');

/** One of a few strings. */
export function oneOf<L extends string>(...values: L[]): Check<L> {
  return kind(`one of ${values.join(', ')}`, (v) => values.includes(v as L));
}

/** A JSON object or array taken as T without looking inside (Traefik's dynamic config, the route server's rows). */
export function opaque<T>(what: 'object' | 'array'): Check<T> {
  return kind(`an ${what}`, what === 'array' ? Array.isArray : isObject);
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, at) => (value === null ? null : check(value, at));
}

export function optional<T>(check: Check<T>): Check<T | undefined> & { readonly optional: true } {
  return Object.assign((value: unknown, at: string) => (value === undefined ? undefined : check(value, at)), { optional: true as const });
}

export function list<T>(check: Check<T>): Check<T[]> {
  const isList = kind('a list', Array.isArray);
  return (value, at) => {
    isList(value, at);
    (value as unknown[]).forEach((item, i) => check(item, `${at}[${i}]`));
    return value as T[];
  };
}

export function record<T>(check: Check<T>): Check<Record<string, T>> {
  const isObj = kind('an object', isObject);
  return (value, at) => {
    isObj(value, at);
    for (const [key, item] of Object.entries(value as object)) check(item, `${at}.${key}`);
    return value as Record<string, T>;
  };
}

export function object<S extends Shape>(shape: S): Check<ObjectOf<S>> {
  const isObj = kind('an object', isObject);
  return (value, at) => {
    isObj(value, at);
    for (const [key, check] of Object.entries(shape)) check((value as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
    return value as ObjectOf<S>;
  };
}

/**
 * A decoded reply checked against its verb's check; a misfit is an RdcError naming the verb and the
 * field, e.g. `renet machine status replied without "router.health.proxy.synced"`.
 */
export function checkReply<T>(verb: string, check: Check<T>, value: unknown): T {
  try {
    return check(value, '');
  } catch (err) {
    if (!(err instanceof FieldProblem)) throw err;
    const what = err.field !== '' ? err.message : err.problem === 'missing' ? 'nothing' : err.problem;
    throw new RdcError(`renet ${verb} replied ${what}; this rdc cannot read that reply.`,
      { hint: 'rdc and the renet on the server disagree on the protocol: rdc context push-infra MACHINE installs the renet this rdc carries.' });
  }
}

/** A check narrowed by a test, e.g. `where(str, 'an absolute path', (v) => v.startsWith('/'))`. */
export function where<T>(check: Check<T>, expected: string, test: (value: T) => boolean): Check<T> {
  return (value, at) => {
    const v = check(value, at);
    if (!test(v)) throw new FieldProblem(at, `${shown(value)}, not ${expected}`);
    return v;
  };
}

/**
 * renet's side: the JSON request of `renet <verb>` on stdin, decoded and checked before any path is
 * built from it. A misfit names the verb and the field, e.g. `renet machine status: the request on
 * stdin has "routerPort" as "x", not an integer`; renet is driven by rdc, which sends the request.
 */
export function parseRequest<T>(verb: string, check: Check<T>, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const got = text.trim() === '' ? 'nothing' : 'text that is not JSON';
    throw new RdcError(`renet ${verb} reads a JSON request on stdin and got ${got}: run it through rdc, or pipe the request in.`);
  }
  try {
    return check(value, '');
  } catch (err) {
    if (!(err instanceof FieldProblem)) throw err;
    const what = err.problem === 'missing' ? `came without "${err.field}"` : err.field !== '' ? `came with ${err.message}` : `was ${err.problem}`;
    throw new RdcError(`renet ${verb}: the request on stdin ${what}.`);
  }
}
