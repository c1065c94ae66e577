const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * Go's `time.ParseDuration` syntax (`1m30s`, `1.5s`, `500ms`), in nanoseconds; undefined when it
 * is not one. Bounded in digits and terms so that no input makes a huge number: the callers add
 * their own upper bound (Traefik refuses a whole config on an int64 overflow).
 */
export function goDurationNs(value: string): number | undefined {
  const v = value.trim();
  if (!/^(?:[0-9]{1,7}(?:\.[0-9]{1,6})?(?:ns|us|µs|ms|s|m|h)){1,4}$/.test(v)) return undefined;
  let total = 0;
  for (const m of v.matchAll(/([0-9.]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_NS[m[2] as string] as number);
  return total;
}
