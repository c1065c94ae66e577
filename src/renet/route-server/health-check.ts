import type { HealthSettings } from '../../core/compose/health-labels.js';
import type { Obj } from './model.js';

/** Traefik durations are Go's: whole seconds read best, anything else in milliseconds. */
export function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The Traefik health check for one of a container's services (issue 12), from the same labels the
 * rollout's health gate reads (src/core/compose/health-labels.ts), so a backend that fails after the
 * deploy leaves rotation. HTTP: only with `rediacc.healthcheck.path` (Traefik's HTTP check needs a
 * path; 2xx and 3xx are healthy, as for the gate). TCP: always a connect check (Traefik 3.6+ has
 * `tcp.services.*.loadBalancer.healthCheck`; probed on 3.7). UDP: Traefik has none.
 */
export function traefikHealthCheck(section: 'http' | 'tcp' | 'udp', s: HealthSettings): Obj | undefined {
  const timing = { interval: goDuration(s.intervalMs), timeout: goDuration(s.timeoutMs) };
  if (section === 'http') return s.path === undefined ? undefined : { path: s.path, ...timing };
  return section === 'tcp' ? timing : undefined;
}
