import type { RouteOwner } from '../../core/protocol/route-owners.js';
import type { Section } from './decode-labels.js';
import type { Fragment, Obj, Tables } from './model.js';

/**
 * Who owns each router that made it into the config (pure; served as /owners.json). Built from the
 * fragments, which know their container, repo, service and level, and from the merged tables, which
 * hold what was published after conflicts: a dropped router is absent, a moved one has its new
 * entrypoints. The hosts are those pinning parsed from the rule (pinning.ts), never re-read.
 */
export function routeOwners(fragments: Fragment[], merged: Record<Section, Tables>): RouteOwner[] {
  const owners: RouteOwner[] = [];
  for (const f of fragments) {
    for (const section of ['http', 'tcp', 'udp'] as const) {
      for (const name of Object.keys(f.config[section].routers)) {
        const router = merged[section].routers[name];
        if (!router) continue;
        let owner = memo.get(router);
        if (!owner) memo.set(router, (owner = ownerOf(f, section, name, router, merged[section].services[router.service as string])));
        owners.push(owner);
      }
    }
  }
  return owners.sort((a, b) => cmp(a.kind, b.kind) || a.networkId - b.networkId || cmp(a.router, b.router));
}

/**
 * By router object: an unmoved router is its fragment's own (never modified, kept between
 * recomputes with the fragment), so a warm recompute builds owners only for moved routers.
 */
const memo = new WeakMap<Obj, RouteOwner>();

function ownerOf(f: Fragment, section: Section, name: string, router: Obj, service: Obj | undefined): RouteOwner {
  const entryPoints = [...((router.entryPoints as string[] | undefined) ?? [])];
  return {
    kind: section, router: name, networkId: f.container.networkId, service: f.service, container: f.container.name, level: f.level,
    hosts: section === 'udp' ? [] : [...(f.hosts[`${section}/${name}`] ?? [])],
    ports: section === 'http' ? [] : entryPoints.filter((e) => e.startsWith(`${section}-`)).map((e) => Number(e.slice(4))),
    entryPoints,
    backends: backends(service),
    ...tlsOf(section, router.tls),
  };
}

function backends(service: Obj | undefined): string[] {
  const servers = ((service?.loadBalancer as Obj | undefined)?.servers as { url?: string; address?: string }[] | undefined) ?? [];
  return servers.map((s) => s.url ?? s.address).filter((s): s is string => typeof s === 'string');
}

function tlsOf(section: Section, tls: unknown): Pick<RouteOwner, 'tls'> {
  if (section !== 'http' || typeof tls !== 'object' || tls === null) return {};
  const resolver = (tls as Obj).certResolver;
  return { tls: { certResolver: typeof resolver === 'string' && resolver ? resolver : null } };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
