import { pollUntil } from '../poll.js';

/** Polls `probe` until it returns a value; the timeout error carries the last error and `context()` (a console tail). */
export function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, context: () => string, everyMs = 200): Promise<T> {
  // A probe that says the process died will not recover: report it now.
  return pollUntil(probe, { timeoutMs, everyMs, fatal: (err) => /exited with/.test(err.message) }, (last) => {
    const ctx = context();
    return new Error(`waiting for ${what}: ${last ? last.message : `nothing within ${timeoutMs} ms`}${ctx ? `\n${ctx}` : ''}`);
  });
}
