/**
 * Compares what the route server published with what Traefik actually loaded (its /api/rawdata).
 * Pure. Traefik keeps its previous config when it rejects a file, so "published but not loaded"
 * and "loaded but no longer published" are the two signs that it did not take the last file.
 */

type Obj = Record<string, unknown>;
export type RouterKind = 'http' | 'tcp' | 'udp';

/** The part of Traefik's /api/rawdata read here: routers and services keyed `name@provider`. */
export interface TraefikRawData {
  routers?: Record<string, { status?: string; error?: string[]; provider?: string; rule?: string; entryPoints?: string[]; service?: string }>;
  tcpRouters?: TraefikRawData['routers'];
  udpRouters?: TraefikRawData['routers'];
  /** With a health check, `serverStatus` holds each server's UP/DOWN (by URL, or `ip:port` for TCP). */
  services?: Record<string, { loadBalancer?: { healthCheck?: { path?: string } }; serverStatus?: Record<string, string> }>;
  tcpServices?: TraefikRawData['services'];
}

const SECTIONS: [RouterKind, keyof TraefikRawData][] = [['http', 'routers'], ['tcp', 'tcpRouters'], ['udp', 'udpRouters']];

/** Names the route server gives (build-routes): level 1 `auto-…`, level 2 `r{networkId}-…`. Other `@file` routers are the user's own files. */
const OURS = /^(?:auto-|r[0-9]+-)/;

export interface ProxyDiff {
  /** `kind/name` published but not loaded. */
  missing: string[];
  /** `kind/name` of ours loaded but no longer published. */
  stale: string[];
  /** Our routers Traefik loaded but disabled, with its error. */
  failing: { router: string; error: string }[];
}

/** `kind/name` of every router in a dynamic config. */
export function publishedRouters(dynamic: Obj): Set<string> {
  const out = new Set<string>();
  for (const [kind] of SECTIONS) {
    for (const name of Object.keys(((dynamic[kind] as Obj | undefined)?.routers ?? {}) as Obj)) out.add(`${kind}/${name}`);
  }
  return out;
}

/** `name` of `name@file` when the route server wrote it; undefined for other providers' and the user's own files'. */
export function ourFileName(full: string): string | undefined {
  const at = full.lastIndexOf('@');
  if (at < 0 || full.slice(at + 1) !== 'file') return undefined;
  const name = full.slice(0, at);
  return OURS.test(name) ? name : undefined;
}

/** Our `@file` routers as Traefik holds them, by `kind/name`. */
export function loadedRouters(raw: TraefikRawData): Map<string, { status?: string; error?: string[]; rule?: string; entryPoints?: string[]; service?: string }> {
  const out = new Map<string, { status?: string; error?: string[] }>();
  for (const [kind, key] of SECTIONS) {
    for (const [full, info] of Object.entries(raw[key] ?? {})) {
      const name = ourFileName(full);
      if (name !== undefined) out.set(`${kind}/${name}`, info);
    }
  }
  return out;
}

export function compareWithTraefik(published: Set<string>, raw: TraefikRawData): ProxyDiff {
  const loaded = loadedRouters(raw);
  const missing = [...published].filter((r) => !loaded.has(r)).sort();
  const stale = [...loaded.keys()].filter((r) => !published.has(r)).sort();
  const failing = [...loaded].filter(([r, info]) => published.has(r) && info.status === 'disabled')
    .map(([router, info]) => ({ router, error: (info.error ?? []).join('; ') || 'disabled by Traefik' }));
  return { missing, stale, failing };
}

/** One line for /health and `machine status`, or null when Traefik serves exactly what was published. */
export function describeDiff(d: ProxyDiff, file: string): string | null {
  const parts: string[] = [];
  const some = (list: string[]) => `${list.slice(0, 5).join(', ')}${list.length > 5 ? ` and ${list.length - 5} more` : ''}`;
  if (d.missing.length) parts.push(`${d.missing.length} published router(s) not loaded (${some(d.missing)})`);
  if (d.stale.length) parts.push(`${d.stale.length} removed router(s) still loaded (${some(d.stale)})`);
  if (parts.length) return `Traefik did not load the last ${file}: ${parts.join('; ')}; it keeps its previous routes`;
  if (d.failing.length) return `Traefik disabled ${d.failing.length} router(s): ${d.failing.slice(0, 5).map((f) => `${f.router}: ${f.error}`).join('; ')}`;
  return null;
}
