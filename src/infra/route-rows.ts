import { checkRule, hostBound } from '../traefik/rule.js';

/** One line of `rdc machine routes`: where traffic comes in, where it goes, and whose it is. */
export interface RouteRow {
  kind: 'http' | 'tcp' | 'udp';
  router: string;
  /** Hosts of the rule, or the entrypoints for catch-all TCP and UDP. */
  match: string;
  entryPoints: string[];
  backend: string;
  networkId: number | null;
  level: 1 | 2 | null;
  /** HTTP routers with a tls section: the resolver that issues their certificate, or null (Traefik's default certificate). */
  tls?: { certResolver: string | null };
}

type Obj = Record<string, unknown>;

/**
 * Readable rows from the route server's /routes.json (pure). Repo and level come from the names the
 * route server gives: `auto-{service}-{networkId}…` (level 1) and `r{networkId}-{name}` (level 2).
 */
export function routeRows(dynamic: Obj): RouteRow[] {
  const rows: RouteRow[] = [];
  for (const kind of ['http', 'tcp', 'udp'] as const) {
    const section = (dynamic[kind] ?? {}) as { routers?: Record<string, Obj>; services?: Record<string, Obj> };
    for (const [router, r] of Object.entries(section.routers ?? {})) {
      const servers = (((section.services?.[r.service as string] as Obj | undefined)?.loadBalancer as Obj | undefined)?.servers ?? []) as { url?: string; address?: string }[];
      const hosts = ruleHosts(String(r.rule ?? ''), kind);
      const entryPoints = (r.entryPoints as string[] | undefined) ?? [];
      rows.push({
        kind, router, match: hosts.length ? hosts.join(', ') : entryPoints.join(', '), entryPoints,
        backend: servers.map((s) => s.url ?? s.address).join(', '), ...owner(router), ...tlsOf(kind, r.tls),
      });
    }
  }
  return rows.sort((a, b) => a.kind.localeCompare(b.kind) || a.match.localeCompare(b.match));
}

function tlsOf(kind: 'http' | 'tcp' | 'udp', tls: unknown): Pick<RouteRow, 'tls'> {
  if (kind !== 'http' || typeof tls !== 'object' || tls === null) return {};
  const resolver = (tls as Obj).certResolver;
  return { tls: { certResolver: typeof resolver === 'string' && resolver ? resolver : null } };
}

/** The hosts a rule can match (not every name it mentions: `Host(a) && !Host(b)` serves a only), for URLs and DNS. */
function ruleHosts(rule: string, kind: 'http' | 'tcp' | 'udp'): string[] {
  const ast = kind === 'udp' ? undefined : checkRule(rule, kind).ast;
  const bound = ast ? hostBound(ast) : undefined;
  return bound && !bound.any ? bound.hosts : [];
}

function owner(router: string): { networkId: number | null; level: 1 | 2 | null } {
  const level2 = /^r([0-9]+)-/.exec(router);
  if (level2) return { networkId: Number(level2[1]), level: 2 };
  const level1 = /^auto-.*?-([0-9]+)(?:-(?:tcp|udp)-[0-9]+)?$/.exec(router);
  return level1 ? { networkId: Number(level1[1]), level: 1 } : { networkId: null, level: null };
}
