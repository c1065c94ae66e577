import type { RouterHealth } from '../../core/protocol/route-server.js';
import { parseRouteOwners, ROUTE_OWNERS_PATH, type RouteOwner } from '../../core/protocol/route-owners.js';
import type { ContainerReport, RouteClaims } from '../../core/protocol/repo-reply.js';
import { repoClaims, type ClaimSources } from '../../core/repo/route-claims.js';
import { loadedRouters } from '../route-server/proxy-compare.js';
import { parseApi, traefikRawData } from '../route-server/traefik-api.js';
import { waitUntil } from '../../core/util/wait-until.js';
import { localGet } from '../local.js';
import { switchedTo } from '../rollout/switch.js';

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
 * about a poll), then returns the repo's entries of /owners.json. `settled` is false when the time
 * ran out first.
 */
export async function waitForRoutes(routerPort: number, networkId: number, socket: string, timeoutMs: number): Promise<{ settled: boolean; owners: RouteOwner[]; claims?: RouteClaims }> {
  const want = ((await repoContainers(socket)) ?? []).filter((c) => c.state === 'running').length;
  let last: ClaimSources['health'] | undefined;
  const held = await waitUntil(async () => {
    const health = await localGet({ port: routerPort }, '/health', 2000);
    if (health.status !== 200) return undefined;
    const h = JSON.parse(health.body) as RouterHealth;
    last = h;
    const daemon = h.daemons?.find((d) => d.networkId === networkId);
    const seen = want === 0 ? !daemon || (daemon.ok && daemon.containers === 0) : Boolean(daemon?.ok && daemon.containers === want);
    if (!seen) return undefined;
    const all = await machineOwners(routerPort);
    const mine = all.filter((o) => o.networkId === networkId);
    return h.proxy?.api && (await traefikHolds(h.proxy.api, mine, all)) ? mine : undefined;
  }, { timeoutMs, everyMs: 25 });
  if (held) return withClaims(routerPort, networkId, true, held, last);
  return withClaims(routerPort, networkId, false, await repoOwners(routerPort, networkId), last);
}

/** The wait's result with the repo's claims (hosts and ports held or lost), read from /ports and the last /health. */
async function withClaims(routerPort: number, networkId: number, settled: boolean, owners: RouteOwner[], health: ClaimSources['health'] | undefined): Promise<{ settled: boolean; owners: RouteOwner[]; claims?: RouteClaims }> {
  const ports = await localGet({ port: routerPort }, '/ports', 3000);
  const claims = health && ports.status === 200 ? repoClaims({ health, ports: JSON.parse(ports.body) as ClaimSources['ports'], owners }, networkId) : undefined;
  return { settled, owners, ...(claims ? { claims } : {}) };
}

/** Every router the route server published, with its owner; empty while it does not answer. */
async function machineOwners(routerPort: number): Promise<RouteOwner[]> {
  const r = await localGet({ port: routerPort }, ROUTE_OWNERS_PATH, 3000);
  return r.status === 200 ? parseRouteOwners(JSON.parse(r.body), `the route server's ${ROUTE_OWNERS_PATH}`).routes : [];
}

export async function repoOwners(routerPort: number, networkId: number): Promise<RouteOwner[]> {
  return (await machineOwners(routerPort)).filter((o) => o.networkId === networkId);
}

/**
 * Traefik loaded every router published for this repo and disabled none, and holds no router of
 * ours that is no longer published (any repo's: Traefik has not taken the last file yet). Which
 * repo a router is comes from /owners.json, never from its name.
 */
async function traefikHolds(api: string, mine: RouteOwner[], all: RouteOwner[]): Promise<boolean> {
  const raw = await traefikRawData(parseApi(api), 2000);
  if (!raw) return false;
  const loaded = loadedRouters(raw);
  const published = new Set(all.map((o) => `${o.kind}/${o.router}`));
  return mine.every((o) => loaded.has(`${o.kind}/${o.router}`) && loaded.get(`${o.kind}/${o.router}`)?.status !== 'disabled')
    && [...loaded.keys()].every((r) => published.has(r));
}

/**
 * Waits until the route server publishes a rollout's service at `want` and no longer at `away`,
 * and Traefik has loaded that (its /api/rawdata, not a guess about a reload). False when the time
 * ran out first, with what was still missing (the route server or Traefik's API not answering, or
 * Traefik not having loaded the switch).
 */
export async function waitForSwitch(routerPort: number, api: { host: string; port: number }, want: string, away: string, timeoutMs: number): Promise<{ ok: boolean; cause: string }> {
  let cause = 'nothing checked yet';
  const done = await waitUntil(async () => {
    const routes = await localGet({ port: routerPort }, '/routes.json', 2000).catch((err: Error) => ({ status: 0, body: err.message }));
    if (routes.status !== 200) {
      cause = `the route server's /routes.json answered ${routes.status || routes.body}`;
      return undefined;
    }
    const raw = await traefikRawData(api, 2000);
    if (!raw) {
      cause = `Traefik's API at ${api.host}:${api.port} did not answer`;
      return undefined;
    }
    cause = `Traefik still serves ${away} (or not yet ${want})`;
    return switchedTo(JSON.parse(routes.body) as Record<string, unknown>, raw as Record<string, unknown>, want, away) ? true : undefined;
  }, { timeoutMs, everyMs: 25 });
  return { ok: done === true, cause };
}
