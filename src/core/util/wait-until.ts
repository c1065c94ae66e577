/** A pause between two polls. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions {
  /** Give up after this long; the probe runs at least once. */
  timeoutMs: number;
  /** Pause between two probes (default 50 ms). */
  everyMs?: number;
}

/**
 * The one poll loop: runs `probe` until it returns something other than undefined, or the time is up
 * (then undefined: the caller knows what the wait was for and says so). A probe that throws stops the
 * wait with its error, since only the caller knows which errors are worth another try.
 */
export async function waitUntil<T>(probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  const every = options.everyMs ?? 50;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(every, left));
  }
}
