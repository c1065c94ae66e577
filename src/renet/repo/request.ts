import { posix } from 'node:path';
import { onServer, repoSocket } from '../../core/infra/server-layout.js';
import type { RepoRequest } from '../../core/protocol/repo-request.js';


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
