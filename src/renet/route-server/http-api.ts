import { createServer, type Server, type ServerResponse } from 'node:http';
import type { RouteServer } from './route-server.js';

/**
 * The route server's API on loopback (SYSTEM.md §5). /routes.json is what Traefik polls: the cached
 * bytes, never recomputed per request. Everything answers 503 until the first full discovery, so
 * Traefik keeps its last config instead of receiving an empty one that would wipe every route.
 */
export function createRouteApi(server: RouteServer, autoRoutesEnabled: boolean): Server {
  // The bytes Traefik fetched last. renet's own reads say `?peek` and do not count: that way
  // `rdc repo up` can tell when Traefik has the routes it is about to print.
  let fetched: Buffer | undefined;
  let fetchedAt = 0;
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'only GET' });
    const snap = server.snapshot;
    const path = (req.url ?? '/').split('?')[0];
    if (!['/routes.json', '/health', '/ports'].includes(path ?? '')) return send(res, 404, { error: 'not found; try /routes.json, /health or /ports' });
    if (!snap.ready) return send(res, 503, { status: 'starting' });
    if (path === '/routes.json') {
      if (!new URL(req.url ?? '/', 'http://localhost').searchParams.has('peek')) {
        fetched = snap.routesJson;
        fetchedAt = Date.now();
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': snap.routesJson.length });
      res.end(req.method === 'HEAD' ? undefined : snap.routesJson);
      return;
    }
    if (path === '/ports') return send(res, 200, snap.build.ports);
    const { build, daemons } = snap;
    return send(res, 200, {
      status: daemons.every((d) => d.ok) ? 'ok' : 'degraded',
      routers: build.counts.routers,
      services: build.counts.services,
      autoRoutes: build.counts.autoRoutes,
      autoRoutesEnabled,
      proxySynced: fetched !== undefined && fetched.equals(snap.routesJson),
      proxyFetchedMsAgo: fetched ? Date.now() - fetchedAt : null,
      daemons: daemons.map((d) => ({ networkId: d.networkId, socket: d.socket, ok: d.ok, containers: d.containers.length, error: d.error ?? null, downSince: d.downSince ? new Date(d.downSince).toISOString() : null })),
      conflicts: build.conflicts,
      errors: build.errors,
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}
