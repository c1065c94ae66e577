import { isNetworkId } from '../infra/network.js';
import { daemonPaths, daemonRunning, startDaemon, stopDaemon, type DaemonTarget } from './repo/daemon.js';

/**
 * `renet repo-daemon start|stop|status` with {rootPrefix, networkId, dataRoot} on stdin: a repo's
 * own dockerd on its own, without the rest of `renet repo` (volume, sync, lifecycle).
 */
export async function repoDaemonCommand(args: string[], stdin: string): Promise<unknown> {
  const t = JSON.parse(stdin) as DaemonTarget;
  if (!isNetworkId(t.networkId) || typeof t.rootPrefix !== 'string' || typeof t.dataRoot !== 'string') throw new Error('repo-daemon request: rootPrefix, networkId (2816 + 64·n) and dataRoot are required');
  const socket = daemonPaths(t).socket;
  if (args[0] === 'status') return { networkId: t.networkId, socket, running: await daemonRunning(t) };
  if (args[0] === 'start') return { networkId: t.networkId, socket, action: await startDaemon(t) };
  if (args[0] === 'stop') {
    await stopDaemon(t);
    return { networkId: t.networkId, socket, action: 'stopped' };
  }
  throw new Error('usage: renet repo-daemon start|stop|status < request.json');
}
