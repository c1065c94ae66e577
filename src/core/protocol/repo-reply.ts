import { VOLUME_KINDS, type VolumeKind } from '../config/validators.js';
import { routeOwnerList } from './route-owners.js';
import { bool, int, list, nullable, num, object, oneOf, optional, record, str, type Out } from './check.js';

export type { VolumeKind };

export const lifecycleStep = object({
  dir: str,
  fn: str,
  status: oneOf('ok', 'failed', 'absent', 'skipped'),
  code: nullable(int),
  output: str,
  ms: num,
});
export type LifecycleStepReport = Out<typeof lifecycleStep>;

const containerReport = object({
  id: str,
  service: str,
  ip: str,
  state: str,
  /** Docker's words, e.g. `Exited (137) 5 seconds ago`. */
  status: optional(str),
  name: optional(str),
  image: str,
});
export type ContainerReport = Out<typeof containerReport>;

/**
 * What a repo holds on the machine's proxy after `repo up`, and what it asked for but did not get:
 * a host or port another repo claimed first (that router is not routed), a container skipped for
 * its labels (with every reason), a TCP port moved into the dynamic range.
 */
const routeClaims = object({
  hosts: list(str),
  tcp: list(object({ port: int, requested: optional(int) })),
  udp: list(int),
  lost: list(object({ kind: oneOf('host', 'tcp-entrypoint', 'udp-entrypoint'), value: str, owner: int, router: str, container: str })),
  skipped: list(object({ container: str, errors: list(str) })),
});
export type RouteClaims = Out<typeof routeClaims>;

/** What `up` would do to one compose service (`rdc repo up --dry-run`, issue 12). */
const servicePlanRow = object({
  /** The Rediaccfile's directory ('' for the root). */
  dir: str,
  service: str,
  /** switch: replaced without downtime (routed); recreate: compose's stop-then-start; refused/unknown: the model could not be planned. */
  action: oneOf('create', 'unchanged', 'switch', 'recreate', 'refused', 'unknown'),
  reason: str,
});
export type ServicePlanRow = Out<typeof servicePlanRow>;

/** Why renet refused before changing anything: rdc turns these into exit code 2 with the fix. */
const refusal = oneOf('no-infra', 'not-mounted', 'not-created', 'volume', 'compose');
export type RepoRefusal = Out<typeof refusal>;

/** What `renet repo <verb>` prints (one JSON line). Fields are present when the verb produced them. */
export const repoReply = object({
  ok: bool,
  refused: optional(refusal),
  message: optional(str),
  exists: bool,
  volume: optional(oneOf<VolumeKind>(...VOLUME_KINDS)),
  /** Why `--volume auto` made this kind and not LUKS, e.g. "no device-mapper in this kernel". */
  volumeFallback: optional(str),
  /** Volumes this server can make (what `auto` would pick is the first true of luks, image, directory). */
  available: optional(object({ luks: bool, image: bool, directory: bool })),
  created: optional(bool),
  mounted: optional(bool),
  mountAction: optional(oneOf('mounted', 'already', 'unmounted', 'not mounted')),
  daemon: optional(oneOf('running', 'started', 'stopped', 'not running')),
  /** Contents the server lacks: rdc uploads them to `incoming` and asks again. */
  needUpload: optional(list(str)),
  incoming: optional(str),
  sync: optional(object({ placed: int, chmod: int, deleted: int, kept: int, upload: int })),
  steps: optional(list(lifecycleStep)),
  containers: optional(list(containerReport)),
  /** The repo's routers and what each serves (the route server's /owners.json, checked by parseRouteOwners). */
  routes: optional(routeOwnerList),
  routesSettled: optional(bool),
  claims: optional(routeClaims),
  /** renet's own phase timings in ms. */
  timings: optional(record(num)),
  /** `plan`: what up would do to each compose service. */
  services: optional(list(servicePlanRow)),
});
export type RepoReply = Out<typeof repoReply>;

/** How a failed step ended: its exit code, or refused before it ran (renet ran nothing: no code). */
export function stepOutcome(s: { code: number | null }): string {
  return s.code === null ? 'was refused' : `exited ${s.code}`;
}
