import { containerFragment } from './container-routes.js';
import type { Section } from './decode-labels.js';
import { emptyTables, type Conflict, type ContainerError, type ContainerInfo, type Fragment, type Obj, type PortRoute, type RouteSettings, type RouteState, type Tables } from './model.js';
import { resolveClaims, type Move } from './resolve.js';

export interface RouteBuild {
  /** The Traefik dynamic configuration served at /routes.json; keys sorted, so equal input gives equal bytes. */
  dynamic: Record<string, unknown>;
  state: RouteState;
  conflicts: Conflict[];
  errors: ContainerError[];
  ports: { tcp: PortRoute[]; udp: PortRoute[] };
  counts: { routers: number; services: number; autoRoutes: number };
}

/**
 * The pure transform from discovered containers to Traefik's dynamic config (SYSTEM.md §5).
 * Containers are taken in start order so that "the earlier claimant keeps it" holds.
 */
export function buildRoutes(containers: ContainerInfo[], settings: RouteSettings, prior: RouteState): RouteBuild {
  const ordered = [...containers].sort((a, b) => cmp(a.startedAt, b.startedAt) || a.networkId - b.networkId || cmp(a.name, b.name) || cmp(a.id, b.id));
  const fragments: Fragment[] = [];
  const errors: ContainerError[] = [];
  const names = new Map<string, string>();
  for (const c of ordered) {
    const result = containerFragment(c, settings);
    if (!result) continue;
    if (!result.ok) {
      errors.push({ networkId: c.networkId, container: c.name, errors: result.errors });
      continue;
    }
    const clash = duplicateNames(result.fragment, names);
    if (clash.length) errors.push({ networkId: c.networkId, container: c.name, errors: clash });
    else fragments.push(result.fragment);
  }
  const { state, conflicts, moves } = resolveClaims(fragments, settings, prior);
  const merged: Record<Section, Tables> = { http: emptyTables(), tcp: emptyTables(), udp: emptyTables() };
  for (const f of fragments) for (const section of ['http', 'tcp', 'udp'] as const) for (const kind of ['routers', 'services', 'middlewares'] as const) Object.assign(merged[section][kind], f.config[section][kind]);

  const dynamic: Record<string, unknown> = {};
  for (const section of ['http', 'tcp', 'udp'] as const) {
    const tables: Record<string, unknown> = {};
    for (const kind of ['routers', 'services', 'middlewares'] as const) if (Object.keys(merged[section][kind]).length) tables[kind] = sortKeys(merged[section][kind]);
    if (Object.keys(tables).length) dynamic[section] = tables;
  }
  return {
    dynamic,
    state,
    conflicts,
    errors,
    ports: { tcp: portRoutes(fragments, 'tcp', moves), udp: portRoutes(fragments, 'udp', moves) },
    counts: {
      routers: ['http', 'tcp', 'udp'].reduce((n, s) => n + Object.keys(merged[s as Section].routers).length, 0),
      services: ['http', 'tcp', 'udp'].reduce((n, s) => n + Object.keys(merged[s as Section].services).length, 0),
      autoRoutes: fragments.filter((f) => f.level === 1).reduce((n, f) => n + Object.keys(f.config.http.routers).length, 0),
    },
  };
}

/** Names are namespaced per repo; inside one repo two containers must not define the same one. */
function duplicateNames(f: Fragment, seen: Map<string, string>): string[] {
  const problems: string[] = [];
  const mine: string[] = [];
  for (const section of ['http', 'tcp', 'udp'] as const) {
    for (const kind of ['routers', 'services', 'middlewares'] as const) {
      for (const name of Object.keys(f.config[section][kind])) {
        const key = `${section}.${kind}.${name}`;
        const other = seen.get(key);
        if (other) problems.push(`${key} is already defined by container ${other} of the same repo; give it another name`);
        mine.push(key);
      }
    }
  }
  if (!problems.length) for (const key of mine) seen.set(key, f.container.name);
  return problems;
}

function portRoutes(fragments: Fragment[], section: 'tcp' | 'udp', moves: Move[]): PortRoute[] {
  const routes: PortRoute[] = [];
  for (const f of fragments) {
    for (const [name, router] of Object.entries(f.config[section].routers)) {
      const service = f.config[section].services[router.service as string];
      const servers = ((service?.loadBalancer as Obj | undefined)?.servers as { address?: string }[] | undefined) ?? [];
      for (const entrypoint of router.entryPoints as string[]) {
        const move = moves.find((m) => m.networkId === f.container.networkId && m.router === name && m.to === entrypoint);
        routes.push({
          port: Number(entrypoint.slice(4)), entrypoint, networkId: f.container.networkId, service: f.service,
          backend: servers[0]?.address ?? '', router: name, ...(move ? { requested: Number(move.from.slice(4)) } : {}),
        });
      }
    }
  }
  return routes.sort((a, b) => a.port - b.port || a.networkId - b.networkId);
}

function sortKeys(obj: Record<string, Obj>): Record<string, Obj> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k] as Obj]));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
