import { bool, int, list, nullable, object, oneOf, opaque, optional, parseRequest, str, type Out } from './check.js';
import { absolutePath, port } from './request-fields.js';
import type { RouteOwners } from './route-owners.js';
import { portRoutes, routerHealth } from './route-server.js';

/** `renet machine <verb>`: what the server looks like right now, in one round trip. */
export type MachineVerb = 'status' | 'routes' | 'ports';

/** What rdc sends `renet machine <verb>` on stdin. */
const machineRequest = object({
  rootPrefix: absolutePath,
  routerPort: port,
  /** Where the repos' volumes live: status lists each repo and whether it is running or locked. */
  datastore: optional(absolutePath),
});
export type MachineRequest = Out<typeof machineRequest>;

/** renet's side. */
export function parseMachineRequest(verb: string, text: string): MachineRequest {
  return parseRequest(`machine ${verb}`, machineRequest, text);
}

const storedCertificate = object({ resolver: str, domain: str, sans: list(str), issuer: nullable(str), notBefore: nullable(str), notAfter: nullable(str) });
export type StoredCertificate = Out<typeof storedCertificate>;

/** The last error Traefik logged for a set of domains (from the proxy container's logs). */
const acmeLogError = object({ time: nullable(str), domains: list(str), error: str });
export type AcmeLogError = Out<typeof acmeLogError>;

/** Certificates of acme.json (read on the server: it holds the private keys) and ACME errors. */
const acmeState = object({
  /** acme.json exists, and its mode (Traefik wants 0600). */
  storage: object({ exists: bool, mode: nullable(str) }),
  certificates: list(storedCertificate),
  errors: list(acmeLogError),
});
export type AcmeState = Out<typeof acmeState>;

/** A repo daemon's containers: how many exist (compose created them: what the repo declares), run, and which do not. */
const repoServiceState = object({ networkId: int, ok: bool, running: int, declared: int, stopped: list(object({ service: str, status: str })) });
export type RepoServiceState = Out<typeof repoServiceState>;

/**
 * One repo's volume and daemon, from renet's datastore. running: its daemon answers; locked: an
 * encrypted volume that is closed (after a reboot: the credential never stays on the server);
 * unmounted: a volume that opens without a credential but is not mounted; down: mounted, but its
 * daemon does not answer.
 */
const repoVolumeState = object({
  name: str, networkId: int, volume: oneOf('luks', 'image', 'directory'), mounted: bool, daemon: bool,
  state: oneOf('running', 'locked', 'unmounted', 'down'),
});
export type RepoVolumeState = Out<typeof repoVolumeState>;

/** `renet machine status`: Traefik, the route server, certificates, repos and backends (what diagnose reads). */
export const machineStatusReply = object({
  /** fileErrors: what Traefik logged about the routes file. */
  traefik: object({ running: bool, container: nullable(str), image: nullable(str), fileErrors: optional(list(str)) }),
  router: object({ supervisedBy: nullable(str), httpStatus: int, health: nullable(routerHealth) }),
  certResolver: nullable(str),
  acme: optional(acmeState),
  baseDomain: nullable(str),
  /** Each backend of the routes; networkId and container say whose it is (the route server's owners). */
  backends: list(object({ service: str, backend: str, accepts: bool, networkId: optional(int), container: optional(str) })),
  repoVolumes: optional(list(repoVolumeState)),
  /** Each repo daemon's containers as the daemon itself sees them. */
  repos: optional(list(repoServiceState)),
});
export type MachineStatusReply = Out<typeof machineStatusReply>;

/** `renet machine routes`: who owns each route (the route server's /owners.json, read whole by parseRouteOwners), null while it does not serve it. */
export const machineRoutesReply = nullable(opaque<RouteOwners>('object'));
export type MachineRoutesReply = Out<typeof machineRoutesReply>;

/** `renet machine ports`: the route server's /ports, null when it does not answer (or is still starting). */
export const machinePortsReply = nullable(portRoutes);
export type MachinePortsReply = Out<typeof machinePortsReply>;
