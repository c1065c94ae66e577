import { posix } from 'node:path';
import { isNetworkId } from '../../infra/network.js';
import { onServer, repoSocket } from '../../infra/server-layout.js';
import { checkGuid, checkName, type VolumeKind } from '../../config/validators.js';
import type { SourceFile } from '../../repo/sync-plan.js';

export type { VolumeKind };

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

export function checkRequest(req: RepoRequest): RepoRequest {
  // The same validators rdc applies to its config: renet trusts no field it builds paths from.
  const ok = typeof req.rootPrefix === 'string' && typeof req.datastore === 'string' && isNetworkId(req.networkId) && checkName(String(req.name)).ok
    && checkGuid(String(req.guid)).ok && typeof req.credential === 'string' && Number.isInteger(req.routerPort);
  if (!ok) throw new Error('repo request: rootPrefix, datastore, routerPort, name, guid, networkId and credential are required');
  return req;
}

/** Where a repo's parts live on the server (SYSTEM.md §4), under the machine's root prefix. */
export function repoPaths(req: Pick<RepoRequest, 'rootPrefix' | 'datastore' | 'guid' | 'networkId'>) {
  const store = onServer(req.rootPrefix, req.datastore);
  const mount = posix.join(store, 'mounts', req.guid);
  return {
    store,
    meta: posix.join(store, 'repos', `${req.guid}.json`),
    /** Held (an atomic mkdir) while a change to the repo runs. */
    lock: posix.join(store, 'repos', `${req.guid}.lock`),
    image: posix.join(store, 'repos', `${req.guid}.img`),
    /** Also REPOSITORY_PATH: the synced source lives at the root of the mounted volume. */
    mount,
    state: posix.join(mount, '.rediacc'),
    dataRoot: posix.join(mount, '.rediacc', 'docker'),
    mapper: `rediacc-${req.guid}`,
    socket: repoSocket(req.rootPrefix, req.networkId),
  };
}

export type RepoPaths = ReturnType<typeof repoPaths>;

/** The repo's own Docker daemon, as renet/repo/daemon.ts runs it. */
export function daemonTarget(req: RepoRequest, p: RepoPaths) {
  return { rootPrefix: req.rootPrefix, networkId: req.networkId, dataRoot: p.dataRoot, name: req.name };
}
