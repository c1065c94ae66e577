import type { RouteRow } from '../infra/route-rows.js';

export interface RepoUrl {
  kind: 'http' | 'tcp' | 'udp';
  url: string;
  /** The router that serves it: `auto-…` (level 1) or `r{id}-…` (level 2). */
  router: string;
}

export interface UrlSettings {
  tls: boolean;
  httpPort: number;
  httpsPort: number;
  /** Where TCP/UDP clients connect: the public address, else the machine's SSH host. */
  publicHost: string;
}

/** The addresses a repo is reachable at, from the route server's rows (pure). */
export function repoUrls(rows: RouteRow[], networkId: number, s: UrlSettings): RepoUrl[] {
  const urls: RepoUrl[] = [];
  for (const row of rows.filter((r) => r.networkId === networkId)) {
    if (row.kind === 'http') {
      const [scheme, port, standard] = s.tls ? ['https', s.httpsPort, 443] : ['http', s.httpPort, 80];
      // Without a Host() the row's match lists its entrypoints instead: no URL to print then.
      const hosts = row.match === row.entryPoints.join(', ') ? [] : row.match.split(', ');
      for (const host of hosts) {
        urls.push({ kind: 'http', url: `${scheme}://${host}${port === standard ? '' : `:${port}`}/`, router: row.router });
      }
    } else {
      for (const ep of row.entryPoints) {
        const port = /^(?:tcp|udp)-([0-9]+)$/.exec(ep)?.[1];
        if (port) urls.push({ kind: row.kind, url: `${row.kind}://${s.publicHost}:${port}`, router: row.router });
      }
    }
  }
  return urls.sort((a, b) => a.kind.localeCompare(b.kind) || a.url.localeCompare(b.url));
}
