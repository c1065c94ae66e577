import { request } from 'node:http';
import { connect } from 'node:net';
import type { HealthSettings } from '../../core/compose/health-labels.js';
import { HEALTH_LABELS } from '../../core/compose/health-labels.js';
import { waitUntil } from '../../core/util/wait-until.js';
import { tcpEndpoints, type Backends } from './backends.js';
import { containerLogTail, containerState } from './repo-docker.js';

export type GateResult = { healthy: true; how: string } | { healthy: false; reason: string; logs: string[] };

/**
 * The health gate (issue 12): a new container gets traffic only once healthy. Docker's own
 * HEALTHCHECK when the container has one; else an HTTP GET of `rediacc.healthcheck.path` on its
 * HTTP backend (2xx/3xx); else a TCP connect to each routed port. Every `interval`, each probe
 * bounded by `timeout`, for at most `wait`. A container that exits or that Docker calls
 * unhealthy fails at once; the failure carries the last probe's output and the container's last
 * log lines.
 */
export async function healthGate(socket: string, id: string, backends: Backends, settings: HealthSettings): Promise<GateResult> {
  let last = 'no probe answered yet';
  let how = '';
  const verdict = await waitUntil(async (): Promise<GateResult | { failed: string } | undefined> => {
    const state = await containerState(socket, id);
    if (!state) return { failed: 'the container is gone' };
    if (!state.running) return { failed: `the container exited (code ${state.exitCode ?? '?'})` };
    if (state.health) {
      how = 'Docker HEALTHCHECK';
      if (state.health.lastOutput) last = state.health.lastOutput;
      if (state.health.status === 'healthy') return { healthy: true, how };
      if (state.health.status === 'unhealthy') return { failed: `Docker's HEALTHCHECK says unhealthy: ${last}` };
      return undefined;
    }
    const probe = await probeOnce(backends, settings);
    how = probe.how;
    if (probe.ok) return { healthy: true, how };
    last = probe.output;
    return undefined;
  }, { timeoutMs: settings.waitMs, everyMs: settings.intervalMs });
  if (verdict && 'healthy' in verdict) return verdict;
  const reason = verdict && 'failed' in verdict ? verdict.failed
    : `not healthy within ${settings.waitMs / 1000}s (${HEALTH_LABELS.wait}); ${how || 'health check'}: ${last}`;
  return { healthy: false, reason, logs: await containerLogTail(socket, id, 20) };
}

async function probeOnce(b: Backends, s: HealthSettings): Promise<{ ok: boolean; how: string; output: string }> {
  const httpUrl = b.http.find((u) => u.startsWith('http://'));
  if (s.path && httpUrl) {
    // The path is appended to the backend's origin, never resolved against it: it cannot name another host.
    const url = new URL(`${new URL(httpUrl).origin}${s.path}`);
    const status = await httpStatus(url, s.timeoutMs);
    const ok = typeof status === 'number' && status >= 200 && status < 400;
    return { ok, how: `GET ${url.href}`, output: typeof status === 'number' ? `HTTP ${status}` : status };
  }
  const endpoints = tcpEndpoints(b);
  // UDP only: nothing to connect to; running is all a gate can know.
  if (!endpoints.length) return { ok: true, how: 'running (UDP only)', output: '' };
  for (const e of endpoints) {
    const error = await tcpConnect(e.ip, e.port, s.timeoutMs);
    if (error) return { ok: false, how: 'TCP connect', output: `connect ${e.ip}:${e.port}: ${error}` };
  }
  return { ok: true, how: `TCP connect to ${endpoints.map((e) => `${e.ip}:${e.port}`).join(', ')}`, output: '' };
}

function httpStatus(url: URL, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port || 80, path: `${url.pathname}${url.search}`, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    req.end();
  });
}

/** undefined when the port accepts a connection, else why not. */
function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
  });
}
