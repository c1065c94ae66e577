/**
 * Wall time per named phase, for `--timings` and the benchmarks: `time('upload', work)` adds the
 * time `work` took to `timings.upload`, also when it throws.
 */
export function phaseTimer() {
  const timings: Record<string, number> = {};
  const time = async <T>(phase: string, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[phase] = Math.round((timings[phase] ?? 0) + performance.now() - start);
    }
  };
  return { timings, time };
}
