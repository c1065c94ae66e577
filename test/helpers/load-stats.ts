import { percentile } from '../bench/stats.js';

/** One request of a load run: when it started (ms since the run began), how long it took, how it ended. */
export interface RequestRecord {
  startMs: number;
  latencyMs: number;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The version marker found in the body (see versionOf in load.ts). */
  version?: string;
  /** Why it failed: `http-502`, `ECONNRESET`, `timeout`… Unset for a 2xx/3xx answer. */
  error?: string;
  /** A few words on the failure (status line and body start, or the error message). */
  detail?: string;
}

export interface LoadTotals {
  requests: number;
  ok: number;
  failed: number;
  /** Failed requests by kind. */
  failures: Record<string, number>;
  /** The first few failures, for a message that shows what went wrong. */
  examples: string[];
  /** Successful answers by version marker. */
  versions: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const EXAMPLES = 5;

/** A 2xx or 3xx answer is a success; any other status or a network error is a failure. */
export function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 400;
}

/** Totals of a set of records (a whole run or a window of it); latencies over every request, failed ones too. */
export function summarize(records: readonly RequestRecord[]): LoadTotals {
  const totals: LoadTotals = { requests: records.length, ok: 0, failed: 0, failures: {}, examples: [], versions: {}, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const latencies: number[] = [];
  for (const r of records) {
    latencies.push(r.latencyMs);
    if (r.error === undefined) {
      totals.ok++;
      const v = r.version ?? 'unknown';
      totals.versions[v] = (totals.versions[v] ?? 0) + 1;
      continue;
    }
    totals.failed++;
    totals.failures[r.error] = (totals.failures[r.error] ?? 0) + 1;
    if (totals.examples.length < EXAMPLES) totals.examples.push(`${r.startMs.toFixed(0)} ms: ${r.error}${r.detail ? ` (${r.detail})` : ''}`);
  }
  if (latencies.length > 0) {
    totals.p50Ms = percentile(latencies, 50);
    totals.p99Ms = percentile(latencies, 99);
    totals.maxMs = Math.max(...latencies);
  }
  return totals;
}

/** One line for a test's assertion message or a bench row. */
export function describeTotals(t: LoadTotals): string {
  const kinds = Object.entries(t.failures).map(([k, n]) => `${k} ${n}`).join(', ');
  const versions = Object.entries(t.versions).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${t.requests} requests, ${t.failed} failed${kinds ? ` (${kinds})` : ''}; versions: ${versions || 'none'}; p50 ${t.p50Ms.toFixed(1)} ms, p99 ${t.p99Ms.toFixed(1)} ms, max ${t.maxMs.toFixed(1)} ms${t.examples.length ? `; e.g. ${t.examples.join(' | ')}` : ''}`;
}
