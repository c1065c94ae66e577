import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isNetworkId } from '../infra/network.js';
import { restartContainers, runningAtCrash } from './repo/restore.js';
import { daemonPaths, daemonRunning, startDaemon, stopDaemon, type DaemonTarget } from './repo/daemon.js';

/**
 * `renet repo-daemon start|stop|status` with {rootPrefix, networkId, dataRoot} on stdin: a repo's
 * own dockerd on its own, without the rest of `renet repo` (volume, sync, lifecycle).
 */
export async function repoDaemonCommand(args: string[], stdin: string): Promise<unknown> {
  if (args[0] === 'capture' || args[0] === 'restore') return restoreHook(args);
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

/**
 * The systemd unit's hooks (systemd restarts the daemon itself, so renet supervise is not there to
 * do it): `capture --data-root D --file F` after the daemon stops lists the containers that were
 * running (none after a clean stop), `restore --socket S --file F` after it starts starts them.
 */
async function restoreHook(args: string[]): Promise<unknown> {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    const v = i >= 0 ? args[i + 1] : undefined;
    if (!v) throw new Error(`usage: renet repo-daemon capture --data-root DIR --file FILE | restore --socket SOCK --file FILE (missing ${name})`);
    return v;
  };
  const file = flag('--file');
  if (args[0] === 'capture') {
    // A list not restored yet (the daemon crashed again first) is kept.
    const ids = [...new Set([...(existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : []), ...runningAtCrash(flag('--data-root'))])];
    writeFileSync(file, JSON.stringify(ids));
    return { captured: ids };
  }
  const socket = flag('--socket');
  if (!existsSync(file)) return { started: [], running: [], failed: [] };
  const ids = JSON.parse(readFileSync(file, 'utf8')) as string[];
  rmSync(file, { force: true });
  return restartContainers(socket, ids);
}
