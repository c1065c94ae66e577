/**
 * The health and drain settings of a routed service, from its compose labels (issue 12). One parser
 * for both readers: renet's rollout (is the new container healthy? how long to drain the old one?)
 * and the route server (the Traefik health check on the routes it emits).
 */
import { goDurationNs } from '../util/go-duration.js';

export const HEALTH_LABELS = {
  /** HTTP path probed on the service's backend; 2xx and 3xx are healthy. Unset: a TCP connect. */
  path: 'rediacc.healthcheck.path',
  /** Time between two probes. */
  interval: 'rediacc.healthcheck.interval',
  /** One probe's timeout. */
  timeout: 'rediacc.healthcheck.timeout',
  /** How long a new container has to become healthy before the rollout gives up and rolls back. */
  wait: 'rediacc.healthcheck.wait',
  /** How long the old container may keep finishing in-flight requests once traffic has left it. */
  drainTimeout: 'rediacc.drain_timeout',
} as const;

export interface HealthSettings {
  /** Starts with `/`; undefined means a TCP connect to the service port. */
  path?: string;
  intervalMs: number;
  timeoutMs: number;
  waitMs: number;
  drainTimeoutMs: number;
}

export const HEALTH_DEFAULTS: Omit<HealthSettings, 'path'> = { intervalMs: 1000, timeoutMs: 3000, waitMs: 60_000, drainTimeoutMs: 30_000 };

const MAX_MS = 3_600_000;

/** `500ms`, `2s`, `1m30s` (Go's duration syntax), in whole milliseconds (rounded up), within 1 hour. */
export function parseDurationMs(value: string): number | undefined {
  const ns = goDurationNs(value);
  if (ns === undefined) return undefined;
  const ms = Math.ceil(ns / 1e6);
  return ms <= MAX_MS ? ms : undefined;
}

/** Reads the labels; every bad one is an error naming the label and the fix. */
export function parseHealthLabels(labels: Record<string, string>): { settings: HealthSettings; errors: string[] } {
  const errors: string[] = [];
  const settings: HealthSettings = { ...HEALTH_DEFAULTS };
  const path = labels[HEALTH_LABELS.path];
  if (path !== undefined) {
    // Printable ASCII without spaces, quotes or backslashes: it goes into Traefik's config and an HTTP request line.
    // Not `//…`: resolved against the backend's URL (Traefik's check, the gate's) that names another host.
    if (/^\/(?!\/)[!#-&(-[\]-~]{0,255}$/.test(path)) settings.path = path;
    else errors.push(`${HEALTH_LABELS.path}=${JSON.stringify(path)} must be a URL path starting with a single "/" (at most 256 printable characters, no spaces or quotes), e.g. /health`);
  }
  const durations: [keyof typeof HEALTH_DEFAULTS, string, number][] = [
    ['intervalMs', HEALTH_LABELS.interval, 100],
    ['timeoutMs', HEALTH_LABELS.timeout, 100],
    ['waitMs', HEALTH_LABELS.wait, 1000],
    ['drainTimeoutMs', HEALTH_LABELS.drainTimeout, 0],
  ];
  for (const [key, label, min] of durations) {
    const raw = labels[label];
    if (raw === undefined) continue;
    const ms = raw.trim() === '0' && min === 0 ? 0 : parseDurationMs(raw);
    if (ms === undefined || ms < min) errors.push(`${label}=${JSON.stringify(raw)} must be a duration such as 500ms, 5s or 1m (at least ${min}ms, at most 1h)`);
    else settings[key] = ms;
  }
  return { settings, errors };
}
