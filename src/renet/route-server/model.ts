import type { RouterConfig } from '../../core/render/router-config.js';
import type { Section } from './decode-labels.js';

/** One running container as discovered on a repo daemon. */
export interface ContainerInfo {
  id: string;
  name: string;
  /** From the daemon's socket name (docker-{networkId}.sock), not from a label. */
  networkId: number;
  labels: Record<string, string>;
  /** ISO time the container started: the earlier claimant of a host or port keeps it. */
  startedAt: string;
}

/** What the route transform needs from router.json (the rest is where to listen and look). */
export type RouteSettings = Pick<RouterConfig, 'baseDomain' | 'routeEntryPoints' | 'httpEntryPoints' | 'certResolver' | 'certWildcard' | 'tcpEntryPorts' | 'udpEntryPorts' | 'dynamicTcpRange' | 'fileMiddlewares'>;

/** Kept across recomputes and restarts, so ownership never flips on its own. */
export interface RouteState {
  hostClaims: Record<string, number>;
  tcpOwners: Record<string, number>;
  udpOwners: Record<string, number>;
  /** `{networkId}/{router}/{entrypoint}` → the dynamic-range port it was moved to. */
  allocations: Record<string, number>;
}

export type Obj = Record<string, unknown>;
export type Tables = Record<'routers' | 'services' | 'middlewares', Record<string, Obj>>;

/** The routes one container contributes, before conflicts between repos are settled. */
export interface Fragment {
  container: ContainerInfo;
  service: string;
  level: 1 | 2;
  /** Never modified once built: fragments are memoized across recomputes. */
  config: Record<Section, Tables>;
  /** `{section}/{router}` → the hosts its rule claims (Host, HostSNI other than `*`), parsed once. */
  hosts: Record<string, string[]>;
  /** `{section}.{kind}.{name}` of everything it defines, for the same-repo duplicate check. */
  names: string[];
  /** Every host it claims, once. */
  claimedHosts: string[];
  /** Routers that take a whole entrypoint (UDP, and TCP with HostSNI(`*`)), and those entrypoints. */
  catchAll: Record<'tcp' | 'udp', { routers: string[]; entryPoints: string[] }>;
}

export type FragmentResult = { ok: true; fragment: Fragment } | { ok: false; errors: string[] };

export interface Conflict {
  kind: 'host' | 'tcp-entrypoint' | 'udp-entrypoint';
  value: string;
  owner: number;
  loser: number;
  router: string;
  container: string;
}

export interface ContainerError {
  networkId: number;
  container: string;
  errors: string[];
}

export function emptyState(): RouteState {
  return { hostClaims: {}, tcpOwners: {}, udpOwners: {}, allocations: {} };
}

export function emptyTables(): Tables {
  return { routers: {}, services: {}, middlewares: {} };
}
