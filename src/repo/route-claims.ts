import type { RouteRow } from '../infra/route-rows.js';
import type { RouteClaims } from '../protocol/repo-reply.js';

/** The parts of the route server's /health and /ports that name repos (SYSTEM.md §5). */
export interface ClaimSources {
  health: { conflicts?: (RouteClaims['lost'][number] & { loser: number })[]; errors?: { networkId: number; container: string; errors: string[] }[] };
  ports: { tcp?: { port: number; networkId: number; requested?: number }[]; udp?: { port: number; networkId: number }[] };
  rows: RouteRow[];
}

/** One repo's claims, from what the route server reports (pure). */
export function repoClaims(src: ClaimSources, networkId: number): RouteClaims {
  const mine = src.rows.filter((r) => r.networkId === networkId && r.kind !== 'udp' && r.match !== r.entryPoints.join(', '));
  return {
    hosts: [...new Set(mine.flatMap((r) => r.match.split(', ')))].sort(),
    tcp: (src.ports.tcp ?? []).filter((p) => p.networkId === networkId).map((p) => (p.requested ? { port: p.port, requested: p.requested } : { port: p.port })),
    udp: (src.ports.udp ?? []).filter((p) => p.networkId === networkId).map((p) => p.port),
    lost: (src.health.conflicts ?? []).filter((c) => c.loser === networkId).map(({ kind, value, owner, router, container }) => ({ kind, value, owner, router, container })),
    skipped: (src.health.errors ?? []).filter((e) => e.networkId === networkId).map(({ container, errors }) => ({ container, errors })),
  };
}
