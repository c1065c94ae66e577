import type { RouteOwner } from '../protocol/route-owners.js';

import type { VolumeKind } from '../config/validators.js';

export type { VolumeKind };

export interface LifecycleStepReport {
  dir: string;
  fn: string;
  status: 'ok' | 'failed' | 'absent' | 'skipped';
  code: number | null;
  output: string;
  ms: number;
}

export interface ContainerReport {
  id: string;
  service: string;
  ip: string;
  state: string;
  /** Docker's words, e.g. `Exited (137) 5 seconds ago`. */
  status?: string;
  name?: string;
  image: string;
}

/**
 * What a repo holds on the machine's proxy after `repo up`, and what it asked for but did not get:
 * a host or port another repo claimed first (that router is not routed), a container skipped for
 * its labels (with every reason), a TCP port moved into the dynamic range.
 */
export interface RouteClaims {
  hosts: string[];
  tcp: { port: number; requested?: number }[];
  udp: number[];
  lost: { kind: 'host' | 'tcp-entrypoint' | 'udp-entrypoint'; value: string; owner: number; router: string; container: string }[];
  skipped: { container: string; errors: string[] }[];
}

/** What `up` would do to one compose service (`rdc repo up --dry-run`, issue 12). */
export interface ServicePlanRow {
  /** The Rediaccfile's directory ('' for the root). */
  dir: string;
  service: string;
  /** switch: replaced without downtime (routed); recreate: compose's stop-then-start; refused/unknown: the model could not be planned. */
  action: 'create' | 'unchanged' | 'switch' | 'recreate' | 'refused' | 'unknown';
  reason: string;
}

/** Why renet refused before changing anything: rdc turns these into exit code 2 with the fix. */
export type RepoRefusal = 'no-infra' | 'not-mounted' | 'not-created' | 'volume' | 'compose';

/** What `renet repo <verb>` prints (one JSON line). Fields are present when the verb produced them. */
export interface RepoReply {
  ok: boolean;
  refused?: RepoRefusal;
  message?: string;
  exists: boolean;
  volume?: VolumeKind;
  /** Why `--volume auto` made this kind and not LUKS, e.g. "no device-mapper in this kernel". */
  volumeFallback?: string;
  /** Volumes this server can make (what `auto` would pick is the first true of luks, image, directory). */
  available?: Record<VolumeKind, boolean>;
  created?: boolean;
  mounted?: boolean;
  mountAction?: 'mounted' | 'already' | 'unmounted' | 'not mounted';
  daemon?: 'running' | 'started' | 'stopped' | 'not running';
  /** Contents the server lacks: rdc uploads them to `incoming` and asks again. */
  needUpload?: string[];
  incoming?: string;
  sync?: { placed: number; chmod: number; deleted: number; kept: number; upload: number };
  steps?: LifecycleStepReport[];
  containers?: ContainerReport[];
  /** The repo's routers and what each serves (the route server's /owners.json). */
  routes?: RouteOwner[];
  routesSettled?: boolean;
  claims?: RouteClaims;
  timings?: Record<string, number>;
  /** `plan`: what up would do to each compose service. */
  services?: ServicePlanRow[];
}
