import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { onServer, SERVER_PATHS } from '../../infra/server-layout.js';
import { localGet, pidAlive, pidFromFile } from '../local.js';
import { hostExec } from './host-exec.js';

const UNIT = 'rediacc-router';

/** systemd manages the route server only where it is PID 1 and the paths are the real ones. */
export function usesSystemd(rootPrefix: string): boolean {
  return rootPrefix === '/' && existsSync('/run/systemd/system');
}

function supervisorPaths(rootPrefix: string) {
  return {
    pidfile: onServer(rootPrefix, SERVER_PATHS.routerSupervisorPid),
    log: onServer(rootPrefix, SERVER_PATHS.routerLog),
  };
}

export function supervisorPid(rootPrefix: string): number | undefined {
  return pidFromFile(supervisorPaths(rootPrefix).pidfile, 'supervise');
}

/** Starts the route server, or restarts it when `restart` (its config or renet changed). */
export async function ensureRouter(rootPrefix: string, restart: boolean): Promise<'started' | 'restarted' | 'running'> {
  if (usesSystemd(rootPrefix)) {
    const active = (await hostExec('systemctl', ['is-active', '--quiet', UNIT])).code === 0;
    await hostExec('systemctl', ['daemon-reload']);
    await hostExec('systemctl', ['enable', UNIT]);
    if (active && !restart) return 'running';
    const r = await hostExec('systemctl', [active ? 'restart' : 'start', UNIT]);
    if (r.code !== 0) throw new Error(`systemctl ${active ? 'restart' : 'start'} ${UNIT} failed: ${r.stderr.trim()}`);
    return active ? 'restarted' : 'started';
  }
  const running = supervisorPid(rootPrefix);
  if (running && !restart) return 'running';
  if (running) await stopSupervisor(running);
  startSupervisor(rootPrefix);
  return running ? 'restarted' : 'started';
}

/**
 * `renet supervise` in its own session (setsid), its output in a log file: it outlives the SSH
 * session that started it and restarts the route server if it crashes.
 */
function startSupervisor(rootPrefix: string): void {
  const { pidfile, log } = supervisorPaths(rootPrefix);
  for (const p of [pidfile, log]) mkdirSync(p.slice(0, p.lastIndexOf('/')), { recursive: true });
  const renet = onServer(rootPrefix, SERVER_PATHS.renet);
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, [renet, 'supervise', '--pidfile', pidfile, '--', process.execPath, renet, 'route-server', '--config', onServer(rootPrefix, SERVER_PATHS.routerConfig)], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
}

async function stopSupervisor(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

/** GET /health on the route server; its HTTP status, or 0 when nothing answers. */
export function routerHealth(port: number): Promise<{ status: number; body: string }> {
  return localGet({ port }, '/health');
}
