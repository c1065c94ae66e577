import { routeRows, type RouteRow } from '../../infra/route-rows.js';
import type { ContainerReport, RouteClaims } from '../../repo/repo-reply.js';
import { repoClaims, type ClaimSources } from '../../repo/route-claims.js';
import { localGet } from '../local.js';

interface Health {
  daemons?: { networkId: number; ok: boolean; containers: number }[];
  proxySynced?: boolean;
  proxyFetchedMsAgo?: number | null;
}

/** Traefik applies a fetched config after its providersThrottleDuration (100ms in rdc's static config). */
const PROXY_APPLY_MS = 250;

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
 * has fetched that config, then returns the repo's rows of /routes.json. `settled` is false when
 * the time ran out first.
 */
export async function waitForRoutes(routerPort: number, networkId: number, socket: string, timeoutMs: number): Promise<{ settled: boolean; rows: RouteRow[]; claims?: RouteClaims }> {
  const deadline = Date.now() + timeoutMs;
  const want = ((await repoContainers(socket)) ?? []).filter((c) => c.state === 'running').length;
  let settled = false;
  let applyWait = PROXY_APPLY_MS;
  let last: ClaimSources['health'] | undefined;
  for (;;) {
    const health = await localGet({ port: routerPort }, '/health', 2000);
    if (health.status === 200) {
      const h = JSON.parse(health.body) as Health & ClaimSources['health'];
      last = h;
      const daemon = h.daemons?.find((d) => d.networkId === networkId);
      const seen = want === 0 ? !daemon || (daemon.ok && daemon.containers === 0) : Boolean(daemon?.ok && daemon.containers === want);
      settled = seen && h.proxySynced === true;
      // A config Traefik fetched a while ago is applied already.
      applyWait = Math.max(0, PROXY_APPLY_MS - (h.proxyFetchedMsAgo ?? 0));
    }
    if (settled || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (settled && applyWait) await new Promise((r) => setTimeout(r, applyWait));
  const rows = await repoRows(routerPort, networkId);
  const ports = await localGet({ port: routerPort }, '/ports', 3000);
  const claims = last && ports.status === 200 ? repoClaims({ health: last, ports: JSON.parse(ports.body) as ClaimSources['ports'], rows }, networkId) : undefined;
  return { settled, rows, ...(claims ? { claims } : {}) };
}

export async function repoRows(routerPort: number, networkId: number): Promise<RouteRow[]> {
  const routes = await localGet({ port: routerPort }, '/routes.json?peek', 3000);
  return routes.status === 200 ? routeRows(JSON.parse(routes.body) as Record<string, unknown>).filter((r) => r.networkId === networkId) : [];
}
