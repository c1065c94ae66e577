import { waitUntil } from '../../src/core/util/wait-until.js';

export interface PollOptions {
  timeoutMs: number;
  everyMs: number;
  /** An error that will not go away (the process died): stop at once instead of waiting out the time. */
  fatal?: (err: Error) => boolean;
}

/**
 * The tests' poll, on renet's one loop (src/core/util/wait-until.ts). Unlike renet's, a probe that throws
 * means "not yet" (a server still starting refuses connections); its last error goes into the
 * failure, which the caller words with its own context.
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, options: PollOptions, failure: (lastError: Error | undefined) => Error): Promise<T> {
  let lastError: Error | undefined;
  const outcome = await waitUntil(async (): Promise<{ value: T } | 'fatal' | undefined> => {
    try {
      const value = await probe();
      return value === undefined ? undefined : { value };
    } catch (err) {
      lastError = err as Error;
      return options.fatal?.(lastError) ? 'fatal' : undefined;
    }
  }, options);
  if (outcome !== undefined && outcome !== 'fatal') return outcome.value;
  throw failure(lastError);
}
