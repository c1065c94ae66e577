import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { waitUntil } from '../../core/util/wait-until.js';
import { hostExec } from '../infra/host-exec.js';
import { pidFromFile } from './pid-file.js';

/**
 * The one way renet keeps a long-running service up (the route server, each repo's dockerd): a
 * systemd unit where systemd runs, else `renet supervise` in its own session. Either way it
 * outlives the SSH session that started it and is restarted after a crash.
 */
export interface HostService {
  rootPrefix: string;
  /** The systemd unit, without `.service`. */
  unit: string;
  /** The unit file's text, written before the start; absent when push-infra ships the unit file itself. */
  unitText?: string;
  /** The renet that runs `supervise` where systemd does not. */
  renet: string;
  /** `renet supervise`'s pidfile and the log both it and the service write to. */
  pidfile: string;
  log: string;
  /** `renet supervise`'s own flags besides --pidfile (the docker restore flags). */
  superviseFlags?: string[];
  /** What runs under `renet supervise`. */
  command: string[];
  /** How long a stop waits for the supervisor to be gone (it stops the service first). */
  stopWithinMs: number;
}

export type StartResult = 'started' | 'restarted' | 'running';

/** systemd manages renet's services only where it is PID 1 and the paths are the real ones. */
export function usesSystemd(rootPrefix: string): boolean {
  return rootPrefix === '/' && existsSync('/run/systemd/system');
}

export function unitFile(unit: string): string {
  return `/etc/systemd/system/${unit}.service`;
}

/** The live `renet supervise` a pidfile names (a reused PID running something else is not it). */
export function supervisorPid(pidfile: string): number | undefined {
  return pidFromFile(pidfile, 'supervise');
}

/** Starts the service, or restarts it when `restart` (its config or renet changed); enabled for the next boot. */
export async function startService(s: HostService, restart = false): Promise<StartResult> {
  if (usesSystemd(s.rootPrefix)) {
    // Idempotent by content: an unchanged unit is not rewritten and systemd is not reloaded, so a
    // no-op push or repo up costs one `systemctl show` here instead of three systemctl calls.
    const wrote = s.unitText !== undefined && writeIfChanged(unitFile(s.unit), s.unitText);
    const unit = await unitState(s.unit);
    if (wrote || unit.needsReload) await hostExec('systemctl', ['daemon-reload']);
    if (!unit.enabled) await hostExec('systemctl', ['enable', s.unit]);
    if (unit.active && !restart) return 'running';
    const verb = unit.active ? 'restart' : 'start';
    const r = await hostExec('systemctl', [verb, s.unit]);
    if (r.code !== 0) throw new Error(`systemctl ${verb} ${s.unit} failed: ${r.stderr.trim()}`);
    return unit.active ? 'restarted' : 'started';
  }
  const running = supervisorPid(s.pidfile);
  if (running && !restart) return 'running';
  if (running) await stopSupervisor(s);
  spawnSupervisor(s);
  return running ? 'restarted' : 'started';
}

/**
 * Stops the service: under systemd also disabled (a repo taken down stays down after a reboot), the
 * unit file removed when `removeUnit`; a `renet supervise` left from before is stopped either way.
 * Whether it was running.
 */
export async function stopService(s: HostService, removeUnit = false): Promise<boolean> {
  let was = false;
  if (usesSystemd(s.rootPrefix) && existsSync(unitFile(s.unit))) {
    was = (await hostExec('systemctl', ['is-active', '--quiet', s.unit])).code === 0;
    await hostExec('systemctl', ['disable', '--now', s.unit]);
    if (removeUnit) {
      rmSync(unitFile(s.unit), { force: true });
      // Else systemd keeps the unit loaded with no file behind it.
      await hostExec('systemctl', ['daemon-reload']);
    }
  }
  if (supervisorPid(s.pidfile)) {
    was = true;
    await stopSupervisor(s);
  }
  return was;
}

/** Writes the file only when its content differs; whether it wrote. */
function writeIfChanged(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeFileSync(path, text);
  return true;
}

interface UnitState {
  active: boolean;
  enabled: boolean;
  /** The file on disk is not what systemd loaded (push-infra shipped a new one), or it never loaded it. */
  needsReload: boolean;
}

/** One `systemctl show` for what startService needs to decide. */
async function unitState(unit: string): Promise<UnitState> {
  const r = await hostExec('systemctl', ['show', '-p', 'ActiveState', '-p', 'UnitFileState', '-p', 'LoadState', '-p', 'NeedDaemonReload', unit]);
  const p = new Map(r.stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const));
  return {
    // What `systemctl is-active` calls active: a unit still activating (or waiting to restart
    // after a crash) gets `systemctl start`, which waits for it.
    active: ['active', 'reloading'].includes(p.get('ActiveState') ?? ''),
    enabled: p.get('UnitFileState') === 'enabled',
    needsReload: r.code !== 0 || p.get('LoadState') !== 'loaded' || p.get('NeedDaemonReload') === 'yes',
  };
}

/** `renet supervise` in its own session (setsid), its output in the log file. */
function spawnSupervisor(s: HostService): void {
  for (const file of [s.pidfile, s.log]) mkdirSync(dirname(file), { recursive: true });
  const out = openSync(s.log, 'a');
  const args = [s.renet, 'supervise', '--pidfile', s.pidfile, ...(s.superviseFlags ?? []), '--', ...s.command];
  spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] }).unref();
}

/** SIGTERM to the supervisor, which stops the service first; waits until its pidfile names no live supervisor. */
async function stopSupervisor(s: HostService): Promise<void> {
  const pid = supervisorPid(s.pidfile);
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  const stopped = await waitUntil(() => (supervisorPid(s.pidfile) ? undefined : true), { timeoutMs: s.stopWithinMs, everyMs: 50 });
  // Going on would start a second supervisor beside it, or unmount what its service still uses.
  if (!stopped) throw new Error(`renet supervise (pid ${pid}) for ${s.unit} did not stop within ${s.stopWithinMs / 1000}s; see ${s.log}`);
}
