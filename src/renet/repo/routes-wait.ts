import { routeRows, type RouteRow } from '../../infra/route-rows.js';
import type { ContainerReport, RouteClaims } from '../../repo/repo-reply.js';
import { repoClaims, type ClaimSources } from '../../repo/route-claims.js';
import { loadedRouters } from '../route-server/proxy-compare.js';
import { parseApi, traefikRawData } from '../route-server/traefik-api.js';
import { localGet } from '../local.js';
import { switchedTo } from '../rollout/switch.js';
import { waitUntil } from '../../util/wait-until.js';

interface Health {
  daemons?: { networkId: number; ok: boolean; containers: number }[];
  proxy?: { api?: string };
}

/** Every container of a repo daemon, running or not (Docker Engine API over its socket); undefined when the daemon does not answer. */
export async function repoContainers(socket: string): Promise<ContainerReport[] | undefined> {
  const r = await localGet({ socketPath: socket }, '/containers/json?all=1', 3000);
  if (r.status !== 200) return undefined;
  return (JSON.parse(r.body) as { Id: string; Names?: string[]; State: string; Status?: string; Image: string; Labels?: Record<string, string> }[]).map((c) => ({
    id: c.Id.slice(0, 12), service: c.Labels?.['rediacc.service_name'] ?? c.Labels?.['com.docker.compose.service'] ?? '', ip: c.Labels?.['rediacc.service_ip'] ?? '',
    state: c.State, status: c.Status, name: c.Names?.[0]?.replace(/^\//, ''), image: c.Image,
  }));
}

/**
 * Waits until the route server has seen every running container of the repo's daemon and Traefik
 * itself holds exactly the repo's published routers (its API, /api/rawdata: loaded, not a guess
 * about a poll), then returns the repo's rows of /routes.json. `settled` is false when the time
 * ran out first.
 */
export async function waitForRoutes(routerPort: number, networkId: number, socket: string, timeoutMs: number): Promise<{ settled: boolean; rows: RouteRow[]; claims?: RouteClaims }> {
  const deadline = Date.now() + timeoutMs;
  const want = ((await repoContainers(socket)) ?? []).filter((c) => c.state === 'running').length;
  let rows: RouteRow[] = [];
  let last: ClaimSources['health'] | undefined;
  for (;;) {
    const health = await localGet({ port: routerPort }, '/health', 2000);
    if (health.status === 200) {
      const h = JSON.parse(health.body) as Health & ClaimSources['health'];
      last = h;
      const daemon = h.daemons?.find((d) => d.networkId === networkId);
      const seen = want === 0 ? !daemon || (daemon.ok && daemon.containers === 0) : Boolean(daemon?.ok && daemon.containers === want);
      if (seen) {
        rows = await repoRows(routerPort, networkId);
        if (h.proxy?.api && (await traefikHolds(h.proxy.api, networkId, rows))) return withClaims(routerPort, networkId, true, rows, last);
      }
    }
    if (Date.now() > deadline) return withClaims(routerPort, networkId, false, await repoRows(routerPort, networkId), last);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The wait's result with the repo's claims (hosts and ports held or lost), read from /ports and the last /health. */
async function withClaims(routerPort: number, networkId: number, settled: boolean, rows: RouteRow[], health: ClaimSources['health'] | undefined): Promise<{ settled: boolean; rows: RouteRow[]; claims?: RouteClaims }> {
  const ports = await localGet({ port: routerPort }, '/ports', 3000);
  const claims = health && ports.status === 200 ? repoClaims({ health, ports: JSON.parse(ports.body) as ClaimSources['ports'], rows }, networkId) : undefined;
  return { settled, rows, ...(claims ? { claims } : {}) };
}

export async function repoRows(routerPort: number, networkId: number): Promise<RouteRow[]> {
  const routes = await localGet({ port: routerPort }, '/routes.json', 3000);
  return routes.status === 200 ? routeRows(JSON.parse(routes.body) as Record<string, unknown>).filter((r) => r.networkId === networkId) : [];
}

/** Traefik's loaded `@file` routers of this repo are exactly the published ones, none disabled. */
async function traefikHolds(api: string, networkId: number, rows: RouteRow[]): Promise<boolean> {
  const raw = await traefikRawData(parseApi(api), 2000);
  if (!raw) return false;
  const loaded = loadedRouters(raw);
  // The same naming rules as the published rows, applied to what Traefik holds.
  const asDynamic: Record<string, { routers: Record<string, unknown> }> = { http: { routers: {} }, tcp: { routers: {} }, udp: { routers: {} } };
  for (const [key, info] of loaded) {
    const [kind, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    (asDynamic[kind] as { routers: Record<string, unknown> }).routers[name] = info;
  }
  const mine = routeRows(asDynamic).filter((r) => r.networkId === networkId).map((r) => `${r.kind}/${r.router}`).sort();
  const wanted = rows.map((r) => `${r.kind}/${r.router}`).sort();
  return mine.length === wanted.length && mine.every((r, i) => r === wanted[i]) && mine.every((r) => loaded.get(r)?.status !== 'disabled');
}

/**
 * Waits until the route server publishes a rollout's service at `want` and no longer at `away`,
 * and Traefik has loaded that (its /api/rawdata, not a guess about a reload). False when the time
 * ran out first.
 */
export async function waitForSwitch(routerPort: number, api: { host: string; port: number }, want: string, away: string, timeoutMs: number): Promise<boolean> {
  const done = await waitUntil(async () => {
    const routes = await localGet({ port: routerPort }, '/routes.json', 2000);
    if (routes.status !== 200) return undefined;
    const raw = await traefikRawData(api, 2000);
    return raw && switchedTo(JSON.parse(routes.body) as Record<string, unknown>, raw as Record<string, unknown>, want, away) ? true : undefined;
  }, { timeoutMs, everyMs: 25 });
  return done === true;
}
