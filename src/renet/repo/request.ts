import { posix } from 'node:path';
import { isNetworkId } from '../../infra/network.js';
import { onServer } from '../../infra/server-layout.js';
import type { SourceFile } from '../../repo/sync-plan.js';

import type { VolumeKind } from '../../repo/repo-reply.js';

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
  routesTimeoutMs?: number;
}

export function checkRequest(req: RepoRequest): RepoRequest {
  const ok = typeof req.rootPrefix === 'string' && typeof req.datastore === 'string' && isNetworkId(req.networkId) && /^[a-z0-9-]+$/.test(req.name ?? '')
    && /^[0-9a-f-]{36}$/.test(req.guid ?? '') && typeof req.credential === 'string' && Number.isInteger(req.routerPort);
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
    image: posix.join(store, 'repos', `${req.guid}.img`),
    /** Also REPOSITORY_PATH: the synced source lives at the root of the mounted volume. */
    mount,
    state: posix.join(mount, '.rediacc'),
    dataRoot: posix.join(mount, '.rediacc', 'docker'),
    mapper: `rediacc-${req.guid}`,
    socket: onServer(req.rootPrefix, `var/run/rediacc/docker-${req.networkId}.sock`),
  };
}

export type RepoPaths = ReturnType<typeof repoPaths>;
