import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

/**
 * `renet supervise --pidfile F -- CMD…`: keeps CMD running where systemd does not. Restarts it
 * when it exits (1 s, growing to 10 s while it keeps crashing); SIGTERM stops both.
 */
export async function superviseCommand(args: string[], log: (line: string) => void): Promise<number> {
  const sep = args.indexOf('--');
  const at = args.indexOf('--pidfile');
  const pidfile = at >= 0 ? args[at + 1] : undefined;
  const [cmd, ...cmdArgs] = sep >= 0 ? args.slice(sep + 1) : [];
  if (!pidfile || !cmd) {
    log('usage: renet supervise --pidfile FILE -- COMMAND [ARGS…]');
    return 2;
  }
  writeFileSync(pidfile, String(process.pid));
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = 1000;
  const start = () => {
    const began = Date.now();
    child = spawn(cmd, cmdArgs, { stdio: 'inherit' });
    log(`supervise: started ${cmd} ${cmdArgs.join(' ')} (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      delay = Date.now() - began > 30_000 ? 1000 : Math.min(delay * 2, 10_000);
      log(`supervise: exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s`);
      setTimeout(start, delay);
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
