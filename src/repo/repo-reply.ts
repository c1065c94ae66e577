import type { RouteRow } from '../infra/route-rows.js';

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

/** Why renet refused before changing anything: rdc turns these into exit code 2 with the fix. */
export type RepoRefusal = 'no-infra' | 'not-mounted' | 'not-created' | 'volume';

/** What `renet repo <verb>` prints (one JSON line). Fields are present when the verb produced them. */
export interface RepoReply {
  ok: boolean;
  refused?: RepoRefusal;
  message?: string;
  exists: boolean;
  volume?: VolumeKind;
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
  routes?: RouteRow[];
  routesSettled?: boolean;
  timings?: Record<string, number>;
}
