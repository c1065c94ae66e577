import { LABELS } from './labels.js';
import type { ContainerInfo } from './model.js';
import { ourFileName, type TraefikRawData } from './proxy-compare.js';

/** A server of one of our services that Traefik's health check marks DOWN (its /api/rawdata `serverStatus`). */
export interface DownServer {
  kind: 'http' | 'tcp';
  /** Traefik's service name, without `@file`. */
  traefikService: string;
  /** The server as Traefik names it: a URL (HTTP) or `ip:port` (TCP). */
  server: string;
  /** What Traefik probes: `HTTP GET /path` or `TCP connect`. */
  check: string;
}

/** The same server named the way a user knows it: repo, compose service, container. */
export interface UnhealthyBackend extends DownServer {
  networkId: number | null;
  service: string | null;
  container: string | null;
  /** `ip:port`, as `machine status` shows backends. */
  address: string;
}

/** Our `@file` services' servers that Traefik holds DOWN, sorted. Pure. */
export function downServers(raw: TraefikRawData): DownServer[] {
  const out: DownServer[] = [];
  for (const [kind, key] of [['http', 'services'], ['tcp', 'tcpServices']] as const) {
    for (const [full, info] of Object.entries(raw[key] ?? {})) {
      const name = ourFileName(full);
      if (name === undefined) continue;
      const path = info.loadBalancer?.healthCheck?.path;
      for (const [server, status] of Object.entries(info.serverStatus ?? {})) {
        if (status === 'DOWN') out.push({ kind, traefikService: name, server, check: kind === 'http' ? `HTTP GET ${path ?? '/'}` : 'TCP connect' });
      }
    }
  }
  return out.sort((a, b) => (a.traefikService + a.server < b.traefikService + b.server ? -1 : 1));
}

/** Names each DOWN server by the container whose address it is (`rediacc.service_ip`). Pure. */
export function nameBackends(down: DownServer[], containers: readonly ContainerInfo[]): UnhealthyBackend[] {
  return down.map((d) => {
    const address = d.kind === 'http' ? hostPort(d.server) : d.server;
    const ip = address.slice(0, address.lastIndexOf(':'));
    const c = containers.find((x) => x.labels[LABELS.serviceIp] === ip);
    return { ...d, address, networkId: c?.networkId ?? null, service: c?.labels[LABELS.serviceName] ?? null, container: c?.name ?? null };
  });
}

/** `host:port` of a URL, with the scheme's default port spelled out (URL.host drops it). */
export function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  } catch {
    return url;
  }
}
