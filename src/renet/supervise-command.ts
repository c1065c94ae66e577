import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { restartContainers, runningAtCrash } from './repo/restore.js';

/**
 * `renet supervise --pidfile F [--docker-data-root DIR --docker-socket SOCK] -- CMD…`: keeps CMD
 * running where systemd does not. Restarts it when it exits (1 s, growing to 10 s while it keeps
 * crashing); SIGTERM stops both. For a repo's dockerd (the docker flags), the containers that ran
 * when it crashed are started again once it is back (repo/restore.ts says why and which).
 */
export async function superviseCommand(args: string[], log: (line: string) => void): Promise<number> {
  const sep = args.indexOf('--');
  const at = args.indexOf('--pidfile');
  const pidfile = at >= 0 ? args[at + 1] : undefined;
  const [cmd, ...cmdArgs] = sep >= 0 ? args.slice(sep + 1) : [];
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 && (sep < 0 || i < sep) ? args[i + 1] : undefined;
  };
  const docker = { dataRoot: flag('--docker-data-root'), socket: flag('--docker-socket') };
  if (!pidfile || !cmd) {
    log('usage: renet supervise --pidfile FILE -- COMMAND [ARGS…]');
    return 2;
  }
  writeFileSync(pidfile, String(process.pid));
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = 1000;
  // Listed at a crash and not yet started again: a daemon that crashes again before that keeps them listed.
  let pending: string[] = [];
  const start = (restore: string[] = []) => {
    const began = Date.now();
    child = spawn(cmd, cmdArgs, { stdio: 'inherit' });
    log(`supervise: started ${cmd} ${cmdArgs.join(' ')} (pid ${child.pid})`);
    pending = restore;
    if (restore.length && docker.socket) void restoreContainers(docker.socket, restore, log).then(() => (pending = pending === restore ? [] : pending));
    child.once('exit', (code, signal) => {
      if (stopping) return;
      delay = Date.now() - began > 30_000 ? 1000 : Math.min(delay * 2, 10_000);
      // Read before the daemon runs again: it rewrites this state as soon as it starts.
      const running = docker.dataRoot ? [...new Set([...pending, ...runningAtCrash(docker.dataRoot)])] : [];
      log(`supervise: exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s${running.length ? `, then ${running.length} container(s) that were running` : ''}`);
      setTimeout(() => start(running), delay);
    });
  };
  start();
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  stopping = true;
  child?.kill('SIGTERM');
  await new Promise((r) => (child?.exitCode === null ? child.once('exit', r) : r(undefined)));
  rmSync(pidfile, { force: true });
  return 0;
}

async function restoreContainers(socket: string, ids: string[], log: (line: string) => void): Promise<void> {
  const r = await restartContainers(socket, ids);
  const short = (list: string[]) => list.map((id) => id.slice(0, 12)).join(' ');
  log(`supervise: containers after the restart: started ${short(r.started) || 'none'}; running already ${short(r.running) || 'none'}${r.failed.length ? `; FAILED ${r.failed.map((f) => `${f.id.slice(0, 12)} (${f.error})`).join(', ')}` : ''}`);
}
