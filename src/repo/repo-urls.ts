import type { RouteRow } from '../infra/route-rows.js';

export interface RepoUrl {
  kind: 'http' | 'tcp' | 'udp';
  url: string;
  /** The router that serves it: `auto-…` (level 1) or `r{id}-…` (level 2). */
  router: string;
  /** What a user must know before opening it (a self-signed certificate). */
  note?: string;
}

export interface UrlSettings {
  httpPort: number;
  httpsPort: number;
  /** Where TCP/UDP clients connect: the public address, else the machine's SSH host. */
  publicHost: string;
}

export const SELF_SIGNED_NOTE = 'self-signed certificate (Traefik\'s default: no certificate resolver on this machine; set --cert-email to get real ones)';

/**
 * The addresses a repo is reachable at, from the route server's rows (pure). Each router's own
 * entrypoints decide the scheme and port: HTTPS on websecure (or any router with a tls section),
 * plain HTTP on web.
 */
export function repoUrls(rows: RouteRow[], networkId: number, s: UrlSettings): RepoUrl[] {
  const urls: RepoUrl[] = [];
  for (const row of rows.filter((r) => r.networkId === networkId)) {
    if (row.kind === 'http') {
      const secure = row.tls !== undefined || (row.entryPoints.length > 0 && row.entryPoints.every((e) => e.startsWith('websecure')));
      const [scheme, port, standard] = secure ? ['https', s.httpsPort, 443] : ['http', s.httpPort, 80];
      const note = secure && !row.tls?.certResolver ? { note: SELF_SIGNED_NOTE } : {};
      // Without a Host() the row's match lists its entrypoints instead: no URL to print then.
      const hosts = row.match === row.entryPoints.join(', ') ? [] : row.match.split(', ');
      for (const host of hosts) {
        urls.push({ kind: 'http', url: `${scheme}://${host}${port === standard ? '' : `:${port}`}/`, router: row.router, ...note });
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
