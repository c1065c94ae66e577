import { bool, int, list, nullable, object, oneOf, optional, str, type Out } from './check.js';

/**
 * The route server's loopback API as renet passes it on to rdc (`renet machine status|ports`): the
 * parts of /health that rdc reads, and /ports. /routes.json is Traefik's dynamic config, read as is.
 */

/** Traefik's own view (its API) of the routes file the route server writes. */
const proxySync = object({ file: str, api: optional(str), writtenAt: nullable(str), loadedAt: nullable(str), synced: bool, cause: nullable(str) });

const daemonHealth = object({ networkId: int, socket: optional(str), ok: bool, containers: int, error: nullable(str), downSince: optional(nullable(str)) });
const conflict = object({ kind: oneOf('host', 'tcp-entrypoint', 'udp-entrypoint'), value: str, owner: int, loser: int, router: str, container: str });
const containerError = object({ networkId: int, container: str, errors: list(str) });

/** A service in a rollout: which containers Traefik is given, which are held back, and why (a pin names the published one, or the rule "no candidate while the old one runs"). */
const rollout = object({ networkId: int, service: str, published: list(str), held: list(str), by: oneOf('pin', 'candidate-rule') });
export type Rollout = Out<typeof rollout>;

/** A backend Traefik's health check holds DOWN: out of rotation (the service answers 503 without another). */
const unhealthyBackend = object({
  networkId: nullable(int), service: nullable(str), container: nullable(str),
  /** `ip:port`, as `machine status` shows backends. */
  address: str,
  check: str,
  traefikService: str,
});

/** /health: what the route server serves (http-api.ts builds it to this type) and `rdc machine status` reads. */
export const routerHealth = object({
  status: str,
  routers: int,
  services: int,
  autoRoutes: int,
  autoRoutesEnabled: optional(bool),
  daemons: list(daemonHealth),
  conflicts: list(conflict),
  errors: list(containerError),
  proxy: optional(proxySync),
  rollouts: optional(list(rollout)),
  unhealthy: optional(list(unhealthyBackend)),
});
export type RouterHealth = Out<typeof routerHealth>;

/** One TCP or UDP port forwarded to a repo (/ports). */
export const portRoute = object({
  port: int,
  entrypoint: str,
  networkId: int,
  service: str,
  backend: str,
  router: str,
  /** The port the container asked for, when it was moved into the dynamic range. */
  requested: optional(int),
});
export type PortRoute = Out<typeof portRoute>;

export const portRoutes = object({ tcp: list(portRoute), udp: list(portRoute) });
export type PortRoutes = Out<typeof portRoutes>;
