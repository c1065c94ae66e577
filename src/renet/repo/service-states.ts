import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import type { RepoServiceState } from '../../core/protocol/machine.js';
import { repoContainers } from './routes-wait.js';

/**
 * Every repo daemon's containers, running or not, straight from each daemon (the route server
 * only follows running ones): a declared service whose container is stopped is a finding even
 * when the daemon itself is fine.
 */
export async function repoServiceStates(rootPrefix: string): Promise<RepoServiceState[]> {
  const dir = onServer(rootPrefix, SERVER_PATHS.socketDir);
  const sockets = existsSync(dir) ? readdirSync(dir).filter((f) => /^docker-\d+\.sock$/.test(f)) : [];
  return Promise.all(sockets.sort().map(async (file) => {
    const networkId = Number(/\d+/.exec(file)?.[0]);
    const containers = await repoContainers(join(dir, file));
    if (!containers) return { networkId, ok: false, running: 0, declared: 0, stopped: [] };
    const stopped = containers.filter((c) => c.state !== 'running').map((c) => ({ service: c.service || c.name || c.id, status: c.status ?? c.state }));
    return { networkId, ok: true, running: containers.length - stopped.length, declared: containers.length, stopped };
  }));
}
