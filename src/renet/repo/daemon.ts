import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onServer, repoSocket, SERVER_PATHS } from '../../infra/server-layout.js';
import { dockerdArgs, repoDaemonUnit, type UnitVolume } from '../../repo/dockerd-args.js';
import { hostExec } from '../infra/host-exec.js';
import { usesSystemd } from '../infra/router-service.js';
import { localGet, mountPoints, pidFromFile } from '../local.js';

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

/**
 * Starts the repo's own dockerd: a systemd unit where systemd runs, else `renet supervise` in its
 * own session. Either way it outlives the SSH session and is restarted after a crash.
 */
export async function startDaemon(t: DaemonTarget): Promise<'running' | 'started'> {
  if (await daemonRunning(t)) return 'running';
  const p = daemonPaths(t);
  for (const dir of [t.dataRoot, p.execRoot]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const file of [p.config, p.log]) mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true });
  if (!existsSync(p.config)) writeFileSync(p.config, '{}\n');
  const args = dockerdArgs(p);
  if (usesSystemd(t.rootPrefix)) {
    const renet = [process.execPath, process.argv[1] as string, 'repo-daemon'];
    const hooks = { capture: [...renet, 'capture', '--data-root', t.dataRoot, '--file', p.restoreList], restore: [...renet, 'restore', '--socket', p.socket, '--file', p.restoreList] };
    writeFileSync(`/etc/systemd/system/${p.unit}.service`, repoDaemonUnit(t.networkId, t.name ?? String(t.networkId), args, hooks, t.volume));
    await hostExec('systemctl', ['daemon-reload']);
    const r = await hostExec('systemctl', ['enable', '--now', p.unit]);
    if (r.code !== 0) throw new Error(`systemctl enable --now ${p.unit} failed: ${r.stderr.trim()}`);
  } else {
    const out = openSync(p.log, 'a');
    const restore = ['--docker-data-root', t.dataRoot, '--docker-socket', p.socket];
    spawn(process.execPath, [process.argv[1] as string, 'supervise', '--pidfile', p.supervisor, ...restore, '--', ...args], { detached: true, stdio: ['ignore', out, out] }).unref();
  }
  // dockerd starts in well under a second on an idle server, but a loaded one can take many.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (await daemonRunning(t)) return 'started';
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the daemon of repo ${t.networkId} did not answer within 60 s; see ${p.log}`);
}

export async function stopDaemon(t: DaemonTarget, removeUnit = false): Promise<'stopped' | 'not running'> {
  const p = daemonPaths(t);
  let was = false;
  if (usesSystemd(t.rootPrefix) && existsSync(`/etc/systemd/system/${p.unit}.service`)) {
    was = (await hostExec('systemctl', ['is-active', '--quiet', p.unit])).code === 0;
    // Disabled as well as stopped: a repo taken down stays down after a reboot (repo up enables it again).
    await hostExec('systemctl', ['disable', '--now', p.unit]);
    if (removeUnit) rmSync(`/etc/systemd/system/${p.unit}.service`, { force: true });
  }
  const pid = pidFromFile(p.supervisor, 'supervise');
  if (pid) {
    was = true;
    // The supervisor stops dockerd, which stops the containers and removes its socket.
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 600 && pidFromFile(p.supervisor); i++) await new Promise((r) => setTimeout(r, 50));
  }
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
