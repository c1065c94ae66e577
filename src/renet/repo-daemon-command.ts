import { existsSync, readFileSync, rmSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { parseRepoDaemonRequest, type RepoDaemonReply } from '../core/protocol/repo-daemon.js';
import { restartContainers, runningAtCrash, type RestoreReport } from './repo/restore.js';
import { daemonPaths, daemonRunning, startDaemon, stopDaemon, type DaemonTarget } from './repo/daemon.js';

/**
 * `renet repo-daemon start|stop|status` with {rootPrefix, networkId, dataRoot} on stdin: a repo's
 * own dockerd on its own, without the rest of `renet repo` (volume, sync, lifecycle).
 */
export async function repoDaemonCommand(args: string[], stdin: string): Promise<RepoDaemonReply | { captured: string[] } | RestoreReport> {
  if (args[0] === 'capture' || args[0] === 'restore') return restoreHook(args);
  const t = parseRepoDaemonRequest<DaemonTarget>(args[0] ?? '', stdin);
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
async function restoreHook(args: string[]): Promise<{ captured: string[] } | RestoreReport> {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    const v = i >= 0 ? args[i + 1] : undefined;
    if (!v) throw new Error(`usage: renet repo-daemon capture --data-root DIR --file FILE | restore --socket SOCK --file FILE (missing ${name})`);
    return v;
  };
  const file = flag('--file');
  if (args[0] === 'capture') {
    // A list not restored yet (the daemon crashed again first) is kept.
    const ids = [...new Set([...readList(file), ...runningAtCrash(flag('--data-root'))])];
    // Atomic: a list cut short by a crash would otherwise stop every later restore.
    writeFileAtomic.sync(file, JSON.stringify(ids));
    return { captured: ids };
  }
  const socket = flag('--socket');
  const ids = readList(file);
  rmSync(file, { force: true });
  return restartContainers(socket, ids);
}

/** The containers to bring back: none when the list is missing or unreadable (said on stderr, never fatal to the daemon). */
function readList(file: string): string[] {
  if (!existsSync(file)) return [];
  try {
    const ids: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) return ids;
  } catch {
    // reported below
  }
  process.stderr.write(`renet: restore list ${file} is unreadable; ignored\n`);
  return [];
}
