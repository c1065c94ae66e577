/**
 * The shape every field check returns, and what all of them share: how a user's value is shown in
 * a message (cut when long) and how long each kind of value may be.
 */
export type Check<T> = { ok: true; value: T } | { ok: false; expected: string };

export const ok = <T>(value: T): Check<T> => ({ ok: true, value });
export const bad = <T>(expected: string): Check<T> => ({ ok: false, expected });

/** How much of a user's value a message shows; a longer value is cut and its length given. */
const SHOW_MAX = 60;

/**
 * Shows a user's value inside a message without letting control characters through, and never
 * whole when it is long (a 100 KB value must not flood the terminal or a log).
 */
export function show(value: unknown): string {
  if (typeof value === 'string' && value.length > SHOW_MAX) return `${quote(value.slice(0, SHOW_MAX))}… (${value.length} characters)`;
  const text = typeof value === 'string' ? quote(value) : JSON.stringify(value) ?? String(value);
  return text.length > SHOW_MAX * 2 ? `${text.slice(0, SHOW_MAX * 2)}… (cut)` : text;
}

/** JSON quoting, plus the invisible and direction-changing characters JSON leaves as they are (C1 controls, bidi overrides). */
function quote(value: string): string {
  return JSON.stringify(value).replace(/[\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The longest value each kind of input may have. Every string rdc stores is bounded, so that a
 * pasted file or a runaway script cannot land in the config, a unit file or an env file.
 */
export const MAX_LENGTH = {
  name: 63,
  host: 253,
  user: 32,
  domain: 253,
  email: 254,
  token: 1024,
  image: 512,
  path: 1024,
  hostKey: 8192,
  ip: 64,
  portList: 4096,
  zoneId: 64,
} as const;

/** The refusal for a value over its bound; the value itself is never echoed, only its length. */
export function tooLong(value: string, max: number, what: string): { ok: false; expected: string } | undefined {
  if (value.length <= max) return undefined;
  return { ok: false, expected: `is ${value.length} characters long; ${what} has at most ${max}` };
}

