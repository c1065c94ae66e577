import type { RouteOwner } from '../protocol/route-owners.js';
import type { RouteClaims } from '../protocol/repo-reply.js';

/** The parts of the route server's /health, /ports and /owners.json that name repos (SYSTEM.md §5). */
export interface ClaimSources {
  health: { conflicts?: (RouteClaims['lost'][number] & { loser: number })[]; errors?: { networkId: number; container: string; errors: string[] }[] };
  ports: { tcp?: { port: number; networkId: number; requested?: number }[]; udp?: { port: number; networkId: number }[] };
  owners: RouteOwner[];
}

/** One repo's claims, from what the route server reports (pure). */
export function repoClaims(src: ClaimSources, networkId: number): RouteClaims {
  const mine = src.owners.filter((o) => o.networkId === networkId);
  return {
    hosts: [...new Set(mine.flatMap((o) => o.hosts))].sort(),
    tcp: (src.ports.tcp ?? []).filter((p) => p.networkId === networkId).map((p) => (p.requested ? { port: p.port, requested: p.requested } : { port: p.port })),
    udp: (src.ports.udp ?? []).filter((p) => p.networkId === networkId).map((p) => p.port),
    lost: (src.health.conflicts ?? []).filter((c) => c.loser === networkId).map(({ kind, value, owner, router, container }) => ({ kind, value, owner, router, container })),
    skipped: (src.health.errors ?? []).filter((e) => e.networkId === networkId).map(({ container, errors }) => ({ container, errors })),
  };
}
