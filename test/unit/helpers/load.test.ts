import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { describeTotals, startLoad, summarize, type RequestRecord } from '../../helpers/load.js';

const rec = (startMs: number, latencyMs: number, r: Partial<RequestRecord> = {}): RequestRecord => ({ startMs, latencyMs, ...r });

describe('load statistics', () => {
  test('2xx/3xx count as ok by version; other statuses and network errors fail by kind, with examples', () => {
    const t = summarize([
      rec(0, 10, { status: 200, version: 'v1' }),
      rec(1, 20, { status: 304, version: 'v1' }),
      rec(2, 30, { status: 200, version: 'v2' }),
      rec(3, 40, { status: 200 }),
      rec(4, 50, { status: 502, error: 'http-502', detail: 'Bad Gateway' }),
      rec(5, 60, { status: 404, error: 'http-404' }),
      rec(6, 70, { error: 'ECONNRESET', detail: 'socket hang up' }),
      rec(7, 80, { error: 'http-502' }),
    ]);
    assert.equal(t.requests, 8);
    assert.equal(t.ok, 4);
    assert.equal(t.failed, 4);
    assert.deepEqual(t.failures, { 'http-502': 2, 'http-404': 1, ECONNRESET: 1 });
    assert.deepEqual(t.versions, { v1: 2, v2: 1, unknown: 1 });
    assert.deepEqual(t.examples, ['4 ms: http-502 (Bad Gateway)', '5 ms: http-404', '6 ms: ECONNRESET (socket hang up)', '7 ms: http-502']);
    assert.match(describeTotals(t), /^8 requests, 4 failed \(http-502 2, http-404 1, ECONNRESET 1\); versions: v1 2, v2 1, unknown 1; p50 40\.0 ms, p99 80\.0 ms, max 80\.0 ms; e\.g\. /);
  });

  test('percentiles by nearest rank over every request; examples capped at five', () => {
    const many = Array.from({ length: 200 }, (_, i) => rec(i, i + 1, i < 190 ? { status: 200, version: 'v1' } : { error: 'timeout' }));
    const t = summarize(many);
    assert.equal(t.p50Ms, 100);
    assert.equal(t.p99Ms, 198);
    assert.equal(t.maxMs, 200);
    assert.equal(t.failed, 10);
    assert.equal(t.examples.length, 5);
  });

  test('no requests: zeros, not NaN', () => {
    assert.deepEqual(summarize([]), { requests: 0, ok: 0, failed: 0, failures: {}, examples: [], versions: {}, p50Ms: 0, p99Ms: 0, maxMs: 0 });
  });
});

describe('startLoad against a real HTTP server', () => {
  test('keeps N in flight, records versions, failed statuses and dropped connections, and stops cleanly', async () => {
    let n = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const server: Server = createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const i = ++n;
      setTimeout(() => {
        inFlight--;
        if (req.headers.host !== 'web.test') return res.writeHead(404).end('wrong host');
        if (i % 10 === 5) return res.writeHead(502).end('Bad Gateway');
        if (i % 10 === 7) return res.socket?.destroy();
        res.end(`hello version=${i < 40 ? 'v1' : 'v2'}\n`);
      }, 5);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const load = startLoad({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, hostHeader: 'web.test', inFlight: 4, pauseMs: 0 });
      while (load.records.length < 100) await new Promise((r) => setTimeout(r, 10));
      const t = await load.stop();
      assert.equal(t.requests, load.records.length);
      assert.equal(maxInFlight, 4);
      assert.ok(t.failures['http-502'] && t.failures['http-502'] >= 9, describeTotals(t));
      assert.ok(t.failures.ECONNRESET && t.failures.ECONNRESET >= 9, describeTotals(t));
      assert.equal(t.failed, t.failures['http-502'] + t.failures.ECONNRESET);
      assert.ok((t.versions.v1 ?? 0) > 0 && (t.versions.v2 ?? 0) > 0, describeTotals(t));
      assert.equal(t.ok + t.failed, t.requests);
      const v2 = load.firstServed('v2');
      assert.ok(v2 !== undefined && v2 > (load.firstServed('v1') as number));
      assert.equal(load.firstServed('v3'), undefined);
      assert.equal(load.window(0, 0).requests, 0);
      assert.equal(load.window(0).requests, t.requests);
    } finally {
      server.close();
    }
  });
});
