import { containerFragment, entryPointMap } from './container-routes.js';
import type { Section } from './decode-labels.js';
import { emptyTables, type Conflict, type ContainerError, type ContainerInfo, type Fragment, type FragmentResult, type Obj, type RouteSettings, type RouteState, type Tables } from './model.js';
import { routeOwners } from './owners.js';
import { resolveClaims, routerKey, type Decisions, type Move } from './resolve.js';
import type { PortRoute, Rollout } from '../../core/protocol/route-server.js';
import { selectPublished, type PinTable } from './rollout-select.js';
import type { RouteOwner } from '../../core/protocol/route-owners.js';

/**
 * Per-container results kept between recomputes (the route server holds one per settings): a
 * container's fragment depends only on its labels, name and repo, so an unchanged container is
 * never decoded or linted twice. Passing no cache gives the same result, only slower.
 */
export type FragmentCache = Map<string, { key: string; result: FragmentResult | undefined }>;

export interface RouteBuild {
  /** The Traefik dynamic configuration served at /routes.json; keys sorted, so equal input gives equal bytes. */
  dynamic: Record<string, unknown>;
  state: RouteState;
  conflicts: Conflict[];
  errors: ContainerError[];
  ports: { tcp: PortRoute[]; udp: PortRoute[] };
  /** Who owns each published router (served at /owners.json): repo, service, container, level, hosts, ports. */
  owners: RouteOwner[];
  counts: { routers: number; services: number; autoRoutes: number };
  /** Services with a container held back (rollout-select.ts). */
  rollouts: Rollout[];
}

/**
 * The pure transform from discovered containers to Traefik's dynamic config (SYSTEM.md §5).
 * Containers are taken in start order so that "the earlier claimant keeps it" holds. `liveRepos`:
 * the repos whose daemon is still there (the route server's watchers); dynamic-range ports kept for
 * any other repo are released. Without it every reservation is kept. `pins`: the rollout pins; a
 * container they (or the candidate rule) hold back is still checked, its errors reported, but
 * publishes nothing and so never meets the same-repo duplicate check.
 */
export function buildRoutes(containers: ContainerInfo[], settings: RouteSettings, prior: RouteState, cache: FragmentCache = new Map(), liveRepos?: ReadonlySet<number>, pins: PinTable = new Map()): RouteBuild {
  const entryPoints = entryPointMap(settings);
  const { held, rollouts } = selectPublished(containers, pins);
  const seen = new Set<string>();
  const ordered = [...containers].sort((a, b) => cmp(a.startedAt, b.startedAt) || a.networkId - b.networkId || cmp(a.name, b.name) || cmp(a.id, b.id));
  const fragments: Fragment[] = [];
  const errors: ContainerError[] = [];
  const names = new Map<string, string>();
  for (const c of ordered) {
    const key = identityKey(c);
    seen.add(c.id);
    let entry = cache.get(c.id);
    if (entry?.key !== key) cache.set(c.id, (entry = { key, result: containerFragment(c, settings, entryPoints) }));
    const result = entry.result;
    if (!result) continue;
    if (!result.ok) {
      errors.push({ networkId: c.networkId, container: c.name, errors: result.errors });
      continue;
    }
    if (held.has(c.id)) continue;
    const clash = duplicateNames(result.fragment, names);
    if (clash.length) errors.push({ networkId: c.networkId, container: c.name, errors: clash });
    else fragments.push(result.fragment);
  }
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
  const { state, conflicts, moves, decisions } = resolveClaims(fragments, settings, prior, liveRepos);
  const merged = mergeFragments(fragments, decisions);
  // Built when /owners.json is first asked for, not on every recompute: most recomputes are never read.
  let owners: RouteOwner[] | undefined;

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
    ports: { tcp: portRoutes(merged, fragments, 'tcp', moves), udp: portRoutes(merged, fragments, 'udp', moves) },
    get owners() {
      return (owners ??= routeOwners(fragments, merged));
    },
    counts: {
      routers: ['http', 'tcp', 'udp'].reduce((n, s) => n + Object.keys(merged[s as Section].routers).length, 0),
      services: ['http', 'tcp', 'udp'].reduce((n, s) => n + Object.keys(merged[s as Section].services).length, 0),
      autoRoutes: fragments.reduce((n, f) => (f.level === 1 ? n + Object.keys(f.config.http.routers).filter((r) => merged.http.routers[r]).length : n), 0),
    },
    rollouts,
  };
}

/** A container's content key, memoized per object: a re-listed daemon brings new objects, the rest keep theirs. */
const keys = new WeakMap<ContainerInfo, string>();
function identityKey(c: ContainerInfo): string {
  let key = keys.get(c);
  if (key === undefined) keys.set(c, (key = `${c.networkId}\0${c.name}\0${c.startedAt}\0${JSON.stringify(c.labels)}`));
  return key;
}

/** Names are namespaced per repo; inside one repo two containers must not define the same one. */
function duplicateNames(f: Fragment, seen: Map<string, string>): string[] {
  const problems = f.names.filter((key) => seen.has(key)).map((key) => `${key} is already defined by container ${seen.get(key)} of the same repo; give it another name`);
  if (!problems.length) for (const key of f.names) seen.set(key, f.container.name);
  return problems;
}

/** All fragments in one config, with the routers resolveClaims dropped or moved applied on copies. */
function mergeFragments(fragments: Fragment[], decisions: Decisions): Record<Section, Tables> {
  const merged: Record<Section, Tables> = { http: emptyTables(), tcp: emptyTables(), udp: emptyTables() };
  fragments.forEach((f, i) => {
    for (const section of ['http', 'tcp', 'udp'] as const) {
      Object.assign(merged[section].services, f.config[section].services);
      Object.assign(merged[section].middlewares, f.config[section].middlewares);
      for (const [name, router] of Object.entries(f.config[section].routers)) {
        const key = routerKey(i, section, name);
        if (decisions.dropped.has(key)) continue;
        const moved = decisions.entryPoints.get(key);
        merged[section].routers[name] = moved ? { ...router, entryPoints: moved } : router;
      }
    }
  });
  return merged;
}

function portRoutes(merged: Record<Section, Tables>, fragments: Fragment[], section: 'tcp' | 'udp', moves: Move[]): PortRoute[] {
  const routes: PortRoute[] = [];
  for (const f of fragments) {
    for (const name of Object.keys(f.config[section].routers)) {
      const router = merged[section].routers[name];
      if (!router) continue;
      const service = merged[section].services[router.service as string];
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
