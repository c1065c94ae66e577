import { createServer, type Server, type ServerResponse } from 'node:http';
import type { PortRoutes, RouterHealth } from '../../core/protocol/route-server.js';
import { ROUTE_OWNERS_PATH, type RouteOwners } from '../../core/protocol/route-owners.js';
import type { RouteServer } from './route-server.js';

/**
 * The route server's API on loopback (SYSTEM.md §5). /routes.json is the read-only view of the
 * config Traefik gets through its watched file (for status and tools): the cached bytes, never
 * recomputed per request. /owners.json says who owns each of its routers (protocol/route-owners.ts),
 * from the same build. Everything answers 503 until the first full discovery. `?peek` is accepted
 * for older callers and changes nothing.
 */
export function createRouteApi(server: RouteServer, autoRoutesEnabled: boolean): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'only GET' });
    const snap = server.snapshot;
    const path = (req.url ?? '/').split('?')[0];
    if (!['/routes.json', ROUTE_OWNERS_PATH, '/health', '/ports'].includes(path ?? '')) return send(res, 404, { error: `not found; try /routes.json, ${ROUTE_OWNERS_PATH}, /health or /ports` });
    if (!snap.ready) return send(res, 503, { status: 'starting' });
    if (path === '/routes.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': snap.routesJson.length });
      res.end(req.method === 'HEAD' ? undefined : snap.routesJson);
      return;
    }
    if (path === '/ports') return send(res, 200, snap.build.ports satisfies PortRoutes);
    if (path === ROUTE_OWNERS_PATH) return send(res, 200, { routes: snap.build.owners } satisfies RouteOwners);
    const { build, daemons } = snap;
    const proxy = server.proxy;
    return send(res, 200, {
      // Degraded when a daemon is down, or when Traefik did not load what was published.
      status: daemons.every((d) => d.ok) && proxy.cause === null ? 'ok' : 'degraded',
      routers: build.counts.routers,
      services: build.counts.services,
      autoRoutes: build.counts.autoRoutes,
      autoRoutesEnabled,
      proxy,
      daemons: daemons.map((d) => ({ networkId: d.networkId, socket: d.socket, ok: d.ok, containers: d.containers.length, error: d.error ?? null, downSince: d.downSince ? new Date(d.downSince).toISOString() : null })),
      conflicts: build.conflicts,
      errors: build.errors,
      // Services in a rollout: which container Traefik is given, which is held back.
      rollouts: build.rollouts,
      // Backends Traefik's health checks hold DOWN: out of rotation, the service answers 503 without another.
      unhealthy: server.unhealthy,
    } satisfies RouterHealth);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}
