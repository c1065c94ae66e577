import type { RouteOwner } from '../protocol/route-owners.js';

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
 * The addresses a repo is reachable at, from the route server's owners (pure). Each router's own
 * entrypoints decide the scheme and port: HTTPS on websecure (or any router with a tls section),
 * plain HTTP on web; a router whose rule names no host (a HostRegexp) has no URL to print.
 */
export function repoUrls(owners: RouteOwner[], networkId: number, s: UrlSettings): RepoUrl[] {
  const urls: RepoUrl[] = [];
  for (const o of owners.filter((r) => r.networkId === networkId)) {
    if (o.kind === 'http') {
      const secure = o.tls !== undefined || (o.entryPoints.length > 0 && o.entryPoints.every((e) => e.startsWith('websecure')));
      const [scheme, port, standard] = secure ? ['https', s.httpsPort, 443] : ['http', s.httpPort, 80];
      const note = secure && !o.tls?.certResolver ? { note: SELF_SIGNED_NOTE } : {};
      for (const host of o.hosts) {
        urls.push({ kind: 'http', url: `${scheme}://${host}${port === standard ? '' : `:${port}`}/`, router: o.router, ...note });
      }
    } else {
      for (const port of o.ports) urls.push({ kind: o.kind, url: `${o.kind}://${s.publicHost}:${port}`, router: o.router });
    }
  }
  return urls.sort((a, b) => a.kind.localeCompare(b.kind) || a.url.localeCompare(b.url));
}
