import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onServer, repoSocket, SERVER_PATHS } from '../../core/infra/server-layout.js';
import { dockerdArgs, repoDaemonUnit, type UnitVolume } from '../../core/repo/dockerd-args.js';
import { waitUntil } from '../../core/util/wait-until.js';
import { startService, stopService, type HostService } from '../host/supervisor.js';
import { localGet, mountPoints } from '../local.js';

export interface DaemonTarget {
  rootPrefix: string;
  networkId: number;
  /** Inside the repo's mount, so images and containers live with the repo's data. */
  dataRoot: string;
  name?: string;
  /** Lets the systemd unit mount (image) or wait for (LUKS) the volume after a reboot. */
  volume?: UnitVolume;
}

export function daemonPaths(t: DaemonTarget) {
  const run = onServer(t.rootPrefix, SERVER_PATHS.socketDir);
  return {
    socket: repoSocket(t.rootPrefix, t.networkId),
    execRoot: join(run, `exec-${t.networkId}`),
    pidfile: join(run, `docker-${t.networkId}.pid`),
    supervisor: join(run, `docker-${t.networkId}.supervisor.pid`),
    /** Under systemd: the containers that ran when the daemon stopped, until it is back (restore.ts). */
    restoreList: join(run, `docker-${t.networkId}.restore.json`),
    config: onServer(t.rootPrefix, `${SERVER_PATHS.configDir}/docker-${t.networkId}.json`),
    log: onServer(t.rootPrefix, `${SERVER_PATHS.logDir}/docker-${t.networkId}.log`),
    unit: `rediacc-repo-${t.networkId}`,
    dataRoot: t.dataRoot,
  };
}

export async function daemonRunning(t: DaemonTarget): Promise<boolean> {
  return (await localGet({ socketPath: daemonPaths(t).socket }, '/_ping', 1000)).status === 200;
}

/** The daemon as a host service: its systemd unit (with the crash hooks), or `renet supervise` with the restore flags. */
function daemonService(t: DaemonTarget): HostService {
  const p = daemonPaths(t);
  const args = dockerdArgs(p);
  const renet = [process.execPath, process.argv[1] as string, 'repo-daemon'];
  const hooks = { capture: [...renet, 'capture', '--data-root', t.dataRoot, '--file', p.restoreList], restore: [...renet, 'restore', '--socket', p.socket, '--file', p.restoreList] };
  return {
    rootPrefix: t.rootPrefix, unit: p.unit, renet: process.argv[1] as string, pidfile: p.supervisor, log: p.log, command: args,
    unitText: repoDaemonUnit(t.networkId, t.name ?? String(t.networkId), args, hooks, t.volume),
    superviseFlags: ['--docker-data-root', t.dataRoot, '--docker-socket', p.socket],
    // The supervisor stops dockerd, which stops the containers first.
    stopWithinMs: 30_000,
  };
}

/** Starts the repo's own dockerd (host/supervisor.ts: it outlives the SSH session and is restarted after a crash). */
export async function startDaemon(t: DaemonTarget): Promise<'running' | 'started'> {
  if (await daemonRunning(t)) return 'running';
  const p = daemonPaths(t);
  for (const dir of [t.dataRoot, p.execRoot]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const file of [p.config, p.log]) mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true });
  if (!existsSync(p.config)) writeFileSync(p.config, '{}\n');
  await startService(daemonService(t));
  // dockerd starts in well under a second on an idle server, but a loaded one can take many.
  if (await waitUntil(async () => ((await daemonRunning(t)) ? true : undefined), { timeoutMs: 60_000, everyMs: 50 })) return 'started';
  throw new Error(`the daemon of repo ${t.networkId} did not answer within 60 s; see ${p.log}`);
}

/** Stopped and disabled: a repo taken down stays down after a reboot (repo up enables it again). */
export async function stopDaemon(t: DaemonTarget, removeUnit = false): Promise<'stopped' | 'not running'> {
  const p = daemonPaths(t);
  const was = await stopService(daemonService(t), removeUnit);
  unmountUnder(p.execRoot);
  unmountUnder(t.dataRoot);
  return was ? 'stopped' : 'not running';
}

/** Removes what the daemon kept outside the repo's volume (config, log, exec-root). */
export function removeDaemonFiles(t: DaemonTarget): void {
  const p = daemonPaths(t);
  for (const path of [p.config, p.log, p.execRoot, p.restoreList]) rmSync(path, { recursive: true, force: true });
}

/** dockerd can leave its netns mount, and its data-root bound on itself, behind after exiting (testbed-notes pitfall 11). */
export function unmountUnder(path: string): void {
  // mountinfo names real paths: on Debian /var/run is a symlink to /run.
  const dir = existsSync(path) ? realpathSync(path) : path;
  const mounts = mountPoints().filter((m) => m === dir || m.startsWith(`${dir}/`));
  for (const m of mounts.sort().reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      // already gone
    }
  }
}
