import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { onServer } from '../../core/infra/server-layout.js';
import { checkGuid } from '../../core/config/validators.js';
import { isNetworkId } from '../../core/infra/network.js';
import { daemonRunning } from './daemon.js';
import { repoPaths } from './request.js';
import { isMounted, readMeta } from './volume.js';

/** One repo on this server as `machine status` reports it (no credential is needed to tell). */
export interface RepoState {
  name: string;
  networkId: number;
  volume: 'luks' | 'image' | 'directory';
  mounted: boolean;
  daemon: boolean;
  /**
   * running: its daemon answers; locked: an encrypted volume that is closed (after a reboot: the
   * credential never stays on the server); unmounted: a volume that opens without a credential but
   * is not mounted; down: mounted, but its daemon does not answer.
   */
  state: 'running' | 'locked' | 'unmounted' | 'down';
}

/** Every repo whose volume lives in this datastore, from the meta files renet keeps beside the images. */
export async function repoStates(rootPrefix: string, datastore: string): Promise<RepoState[]> {
  const dir = posix.join(onServer(rootPrefix, datastore), 'repos');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const guids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((g) => checkGuid(g).ok);
  const states = await Promise.all(guids.map(async (guid) => {
    const p0 = repoPaths({ rootPrefix, datastore, guid, networkId: 0 });
    const meta = readMeta(p0);
    if (!meta || !isNetworkId(meta.networkId)) return undefined;
    const p = repoPaths({ rootPrefix, datastore, guid, networkId: meta.networkId });
    const mounted = isMounted(p, meta);
    const daemon = await daemonRunning({ rootPrefix, networkId: meta.networkId, dataRoot: p.dataRoot });
    const state: RepoState['state'] = daemon ? 'running' : mounted ? 'down' : meta.kind === 'luks' ? 'locked' : 'unmounted';
    return { name: meta.name, networkId: meta.networkId, volume: meta.kind, mounted, daemon, state };
  }));
  return states.filter((s): s is RepoState => s !== undefined).sort((a, b) => a.networkId - b.networkId);
}
