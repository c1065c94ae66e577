import { acmeChallenge, type Machine } from '../config/model.js';
import { entryPoints, routeEntryPoints, traefikApiAddress } from '../infra/entrypoints.js';
import { DYNAMIC_TCP_RANGE, tcpEntryPorts, udpEntryPorts } from '../infra/ports.js';
import { onServer, SERVER_PATHS } from '../infra/server-layout.js';

/** What `renet route-server` reads at start (SYSTEM.md §5); paths already carry the root prefix. */
export interface RouterConfig {
  machine: string;
  listen: { host: string; port: number };
  /** Auto routes `{service}-{networkId}.{baseDomain}` exist only with a base domain. */
  baseDomain: string | null;
  routeEntryPoints: string[];
  /** Every HTTP entrypoint a level-2 router may name. */
  httpEntryPoints: string[];
  certResolver: string | null;
  /** With DNS-01 and a base domain: auto routes ask for this one wildcard certificate (`*.{baseDomain}`) instead of one per host. */
  certWildcard?: string;
  tcpEntryPorts: number[];
  udpEntryPorts: number[];
  dynamicTcpRange: { first: number; last: number };
  /** Middlewares of the file provider, usable from labels as `name@file`. */
  fileMiddlewares: string[];
  socketDir: string;
  stateDir: string;
  /** The routes file in the directory Traefik's file provider watches, and where its temp file goes (same filesystem, not watched). */
  dynamicFile: string;
  dynamicTempDir: string;
  /** Traefik's API on loopback, read to check what it loaded. */
  traefikApi: { host: string; port: number };
}

export function renderRouterConfig(machineName: string, machine: Machine, fileMiddlewares: string[]): RouterConfig {
  const routes = routeEntryPoints(machine.infra);
  return {
    machine: machineName,
    listen: { host: '127.0.0.1', port: machine.infra.routeServerPort },
    baseDomain: machine.infra.baseDomain ?? null,
    routeEntryPoints: routes.entryPoints,
    httpEntryPoints: entryPoints(machine.infra).filter((e) => e.protocol === 'http').map((e) => e.name),
    certResolver: routes.certResolver ?? null,
    ...(routes.certResolver && machine.infra.baseDomain && acmeChallenge(machine.infra) === 'dns' ? { certWildcard: `*.${machine.infra.baseDomain}` } : {}),
    tcpEntryPorts: tcpEntryPorts(machine.infra),
    udpEntryPorts: udpEntryPorts(machine.infra),
    dynamicTcpRange: { ...DYNAMIC_TCP_RANGE },
    fileMiddlewares,
    socketDir: onServer(machine.rootPrefix, SERVER_PATHS.socketDir),
    stateDir: onServer(machine.rootPrefix, SERVER_PATHS.routerState),
    dynamicFile: onServer(machine.rootPrefix, SERVER_PATHS.traefikDynamicRoutes),
    dynamicTempDir: onServer(machine.rootPrefix, SERVER_PATHS.traefikDir),
    traefikApi: traefikApiAddress(machine.infra),
  };
}
