import type { RouteOwner } from '../protocol/route-owners.js';

/**
 * One line of `rdc machine routes`: where traffic comes in, where it goes, and whose it is. The
 * owner's fields as the route server published them, plus two display columns.
 */
export interface RouteRow extends RouteOwner {
  /** For display only: the hosts of the rule, or the entrypoints for a catch-all TCP or UDP router. */
  match: string;
  /** For display only: the backends. */
  backend: string;
}

/**
 * Readable rows from the route server's owners (pure). `repoNames` (network ID → name, from the
 * local config) names the repos rdc knows; the route server itself knows them by network ID only.
 */
export function routeRows(owners: RouteOwner[], repoNames: Record<number, string> = {}): RouteRow[] {
  const rows = owners.map((o): RouteRow => {
    const repo = o.repo ?? repoNames[o.networkId];
    return { ...o, ...(repo === undefined ? {} : { repo }), match: (o.hosts.length ? o.hosts : o.entryPoints).join(', '), backend: o.backends.join(', ') };
  });
  return rows.sort((a, b) => a.kind.localeCompare(b.kind) || a.match.localeCompare(b.match));
}

/** The REPO column: the repo's name when rdc knows it, with its network ID. */
export function repoLabel(row: Pick<RouteOwner, 'repo' | 'networkId'>): string {
  return row.repo === undefined ? String(row.networkId) : `${row.repo} (${row.networkId})`;
}
