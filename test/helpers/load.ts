import { Agent, request } from 'node:http';
import { isSuccess, summarize, type LoadTotals, type RequestRecord } from './load-stats.js';

export { describeTotals, summarize, type LoadTotals, type RequestRecord } from './load-stats.js';

export interface LoadOptions {
  /** Where Traefik listens (an entrypoint's address and port). */
  host: string;
  port: number;
  /** The Host header that picks the route, e.g. `web-2816.example.test`. */
  hostHeader?: string;
  path?: string;
  /** Requests in flight at any time (each worker sends its next one when the last ends). Default 8. */
  inFlight?: number;
  /** A worker's pause between two requests: keeps the load bounded on a shared machine. Default 5 ms. */
  pauseMs?: number;
  /** One request's limit; past it the request fails as `timeout`. Default 10 s. */
  timeoutMs?: number;
  /** The load ends by itself after this long, even if stop() is never called (a failed test). Default 5 min. */
  maxDurationMs?: number;
  /** The version marker of a body; default: the word after `version=`. */
  versionOf?: (body: string) => string | undefined;
}

export interface Load {
  /** performance.now() when the load started: RequestRecord.startMs counts from here. */
  readonly origin: number;
  /** Milliseconds since the load started (the clock of RequestRecord.startMs). */
  now(): number;
  /** Every finished request so far. */
  readonly records: readonly RequestRecord[];
  /** Totals of the requests that started in [fromMs, toMs). */
  window(fromMs: number, toMs?: number): LoadTotals;
  /** When a request that started at or after `afterMs` first got a successful answer from `version`. */
  firstServed(version: string, afterMs?: number): number | undefined;
  /** Stops sending, waits for the requests in flight, and returns the totals of the whole run. */
  stop(): Promise<LoadTotals>;
}

const defaultVersionOf = (body: string) => /version=([A-Za-z0-9._-]+)/.exec(body)?.[1];

/**
 * A bounded, constant HTTP load through Traefik: `inFlight` workers, each sending its next request
 * when the last one ends, over keep-alive connections (as browsers and API clients do). Every
 * request is recorded: status, version marker, failure kind, latency.
 */
export function startLoad(opts: LoadOptions): Load {
  const inFlight = opts.inFlight ?? 8;
  const pauseMs = opts.pauseMs ?? 5;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const versionOf = opts.versionOf ?? defaultVersionOf;
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const records: RequestRecord[] = [];
  let running = true;

  const one = () =>
    new Promise<RequestRecord>((resolve) => {
      const startMs = now();
      const done = (r: Omit<RequestRecord, 'startMs' | 'latencyMs'>) => resolve({ startMs, latencyMs: now() - startMs, ...r });
      const req = request({ host: opts.host, port: opts.port, path: opts.path ?? '/', agent, headers: opts.hostHeader ? { host: opts.hostHeader } : {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('error', (err: NodeJS.ErrnoException) => done({ status: res.statusCode, error: err.code ?? 'response-error', detail: err.message }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (isSuccess(status)) done({ status, version: versionOf(body) });
          else done({ status, error: `http-${status}`, detail: body.trim().slice(0, 80) });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'timeout' })));
      req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? 'network-error', detail: err.message }));
      req.end();
    });

  const maxMs = opts.maxDurationMs ?? 300_000;
  const worker = async () => {
    while (running && now() < maxMs) {
      records.push(await one());
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const workers = Array.from({ length: inFlight }, worker);

  return {
    origin: t0,
    now,
    records,
    window: (fromMs, toMs = Infinity) => summarize(records.filter((r) => r.startMs >= fromMs && r.startMs < toMs)),
    firstServed(version, afterMs = 0) {
      const hits = records.filter((r) => r.version === version && r.error === undefined && r.startMs >= afterMs);
      return hits.length ? Math.min(...hits.map((r) => r.startMs + r.latencyMs)) : undefined;
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return summarize(records);
    },
  };
}
