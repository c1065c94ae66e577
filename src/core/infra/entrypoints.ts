import { tlsConfigured, type Infra } from '../config/model.js';
import { tcpEntryPorts, udpEntryPorts } from './ports.js';

export const CERT_RESOLVER = 'letsencrypt';

export interface EntryPointSpec {
  name: string;
  /** Traefik's `[host]:port[/udp]`. */
  address: string;
  protocol: 'http' | 'tcp' | 'udp' | 'api';
}

/**
 * Every entrypoint a machine's Traefik listens on (SYSTEM.md §3). None binds the wildcard address
 * when any address is known: repos bind their own 127.x.y.z on the same ports (a db on
 * `{DB_IP}:5432`), and on Linux a wildcard and a specific address cannot share a port — whichever
 * starts second fails. So `web`, `tcp-*` and `udp-*` bind `--listen-address`, else the public
 * address (push-infra detects the server's primary address when neither is set, see
 * bindAddress). HTTPS binds the public addresses themselves, never `:443` with `[::]:443`.
 */
export function entryPoints(infra: Infra): EntryPointSpec[] {
  const primary = bindAddress(infra);
  const bind = primary ? hostPart(primary) : '';
  const eps: EntryPointSpec[] = [{ name: 'web', address: `${bind}:${infra.httpPort}`, protocol: 'http' }];
  // Both families public and no single listen address: plain HTTP on the IPv6 too.
  if (!infra.listenAddress && infra.publicIPv4 && infra.publicIPv6) eps.push({ name: 'web-v6', address: `[${infra.publicIPv6}]:${infra.httpPort}`, protocol: 'http' });
  if (infra.publicIPv4) eps.push({ name: 'websecure', address: `${infra.publicIPv4}:${infra.httpsPort}`, protocol: 'http' });
  if (infra.publicIPv6) eps.push({ name: 'websecure-v6', address: `[${infra.publicIPv6}]:${infra.httpsPort}`, protocol: 'http' });
  for (const port of tcpEntryPorts(infra)) eps.push({ name: `tcp-${port}`, address: `${bind}:${port}`, protocol: 'tcp' });
  for (const port of udpEntryPorts(infra)) eps.push({ name: `udp-${port}`, address: `${bind}:${port}/udp`, protocol: 'udp' });
  const api = traefikApiAddress(infra);
  eps.push({ name: 'traefik', address: `${api.host}:${api.port}`, protocol: 'api' });
  return eps;
}

/**
 * The one address `web`, `tcp-*` and `udp-*` bind: `--listen-address`, else the public IPv4, else
 * the public IPv6. Undefined when none is set: push-infra then detects the server's primary
 * address and renders with it as the listen address; only `--output` (no server to ask) renders
 * the wildcard, with a warning.
 */
export function bindAddress(infra: Infra): string | undefined {
  return infra.listenAddress ?? infra.publicIPv4 ?? infra.publicIPv6;
}

/**
 * Where Traefik's API listens: `127.0.0.1:{--api-port}` (with the dashboard) when set, else an
 * internal listener on `127.0.0.2` at the route server's port, which rdc reads to see what Traefik
 * loaded. That pair is free by construction: the port is refused for every entrypoint, and no repo
 * owns 127.0.0.x (network IDs start at 2816 = 127.0.11.0). Never a public address.
 */
export function traefikApiAddress(infra: Infra): { host: string; port: number } {
  return infra.apiPort !== undefined ? { host: '127.0.0.1', port: infra.apiPort } : { host: '127.0.0.2', port: infra.routeServerPort };
}

/** The HTTPS entrypoints that exist on this machine (websecure, websecure-v6). */
export function secureEntryPoints(infra: Infra): string[] {
  return entryPoints(infra).filter((e) => e.name.startsWith('websecure')).map((e) => e.name);
}

/**
 * Where HTTP routes attach: the HTTPS entrypoints with the Let's Encrypt resolver when TLS is
 * configured and a public address exists, plain `web` otherwise.
 */
export function routeEntryPoints(infra: Infra): { entryPoints: string[]; certResolver: string | undefined } {
  const secure = secureEntryPoints(infra);
  if (tlsConfigured(infra) && secure.length > 0) return { entryPoints: secure, certResolver: CERT_RESOLVER };
  return { entryPoints: entryPoints(infra).filter((e) => e.name === 'web' || e.name === 'web-v6').map((e) => e.name), certResolver: undefined };
}

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
