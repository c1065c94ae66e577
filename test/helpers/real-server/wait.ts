/** Polls `probe` until it returns a value; the timeout error carries the last error and `context()` (a console tail). */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, context: () => string, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
      // A probe that says the process died will not recover: report it now.
      if (/exited with/.test((err as Error).message)) break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const ctx = context();
  throw new Error(`waiting for ${what}: ${last ? (last as Error).message : `nothing within ${timeoutMs} ms`}${ctx ? `\n${ctx}` : ''}`);
}
