import { containerFragment } from '../route-server/container-routes.js';
import type { RouteSettings } from '../route-server/model.js';
import { hostPort } from '../route-server/backend-health.js';

type Obj = Record<string, unknown>;

/** Where the route server would send a container's traffic: HTTP URLs, TCP and UDP `ip:port`. */
export interface Backends {
  http: string[];
  tcp: string[];
  udp: string[];
}

/**
 * The backends the route server would publish for a container with these labels (pure: the route
 * server's own transform, container-routes.ts, so "routed" here means exactly what it routes). A
 * container whose labels it refuses gets no route, hence no backends.
 */
export function routeBackends(labels: Record<string, string>, networkId: number, settings: RouteSettings): Backends {
  const out: Backends = { http: [], tcp: [], udp: [] };
  const built = containerFragment({ id: 'rollout', name: 'rollout', networkId, labels, startedAt: '' }, settings);
  if (!built?.ok) return out;
  for (const section of ['http', 'tcp', 'udp'] as const) {
    for (const service of Object.values(built.fragment.config[section].services)) {
      const servers = ((service.loadBalancer as Obj | undefined)?.servers ?? []) as Obj[];
      for (const s of servers) {
        const where = section === 'http' ? s.url : s.address;
        if (typeof where === 'string') out[section].push(where);
      }
    }
  }
  return { http: [...new Set(out.http)], tcp: [...new Set(out.tcp)], udp: [...new Set(out.udp)] };
}

export function isRouted(b: Backends): boolean {
  return b.http.length + b.tcp.length + b.udp.length > 0;
}

/** Every TCP `ip:port` traffic reaches the container on (HTTP URLs' hosts and TCP routes): what a drain watches. */
export function tcpEndpoints(b: Backends): { ip: string; port: number }[] {
  const seen = new Map<string, { ip: string; port: number }>();
  for (const where of [...b.http.map(hostPort), ...b.tcp]) {
    const at = where.lastIndexOf(':');
    const ip = where.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(where.slice(at + 1));
    seen.set(`${ip}:${port}`, { ip, port });
  }
  return [...seen.values()];
}
