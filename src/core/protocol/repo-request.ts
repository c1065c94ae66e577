import { isNetworkId } from '../infra/network.js';
import { checkGuid, checkName, type VolumeKind } from '../config/validators.js';
import type { SourceFile } from '../repo/sync-plan.js';

/** `renet repo <verb>`; `plan` and `status` only look, `check-key` tests a credential without opening the volume. */
export type RepoVerb = 'create' | 'up' | 'plan' | 'down' | 'status' | 'delete' | 'check-key';

/** What rdc sends `renet repo <verb>` on stdin. The credential travels only here, never in argv. */
export interface RepoRequest {
  rootPrefix: string;
  datastore: string;
  routerPort: number;
  name: string;
  guid: string;
  networkId: number;
  /** Wanted at creation: a kind, or `auto` (LUKS where device-mapper exists, else a plain image, else a directory). */
  volume: VolumeKind | 'auto';
  sizeBytes: number;
  credential: string;
  manifest?: SourceFile[];
  mount?: boolean;
  unmount?: boolean;
  prepOnly?: boolean;
  /** `rdc repo up --unsafe`: the compose policy is not applied to this repo (the only way to skip it). */
  unsafe?: boolean;
  routesTimeoutMs?: number;
  /** `plan` for `rdc repo up --dry-run`: also what up would do to each compose service (slower: compose runs). */
  planServices?: boolean;
}

/** What a verb adds to the fields every request carries. */
export type RepoRequestExtra = Pick<RepoRequest, 'manifest' | 'mount' | 'unmount' | 'prepOnly' | 'unsafe' | 'routesTimeoutMs' | 'planServices'>;

/** renet's side: the same validators rdc applies to its config, since renet builds paths from these fields. */
export function parseRepoRequest(text: string): RepoRequest {
  const req = JSON.parse(text) as RepoRequest;
  const ok = typeof req.rootPrefix === 'string' && typeof req.datastore === 'string' && isNetworkId(req.networkId) && checkName(String(req.name)).ok
    && checkGuid(String(req.guid)).ok && typeof req.credential === 'string' && Number.isInteger(req.routerPort);
  if (!ok) throw new Error('repo request: rootPrefix, datastore, routerPort, name, guid, networkId and credential are required');
  return req;
}
