import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNetworkId } from '../infra/network.js';
import { onServer, SERVER_PATHS } from '../infra/server-layout.js';
import { localGet, pidFromFile } from './local.js';

interface DaemonRequest {
  rootPrefix: string;
  networkId: number;
  /** Inside the repo's mount, so images and containers live with the repo's data. */
  dataRoot: string;
}

function paths(req: DaemonRequest) {
  const run = onServer(req.rootPrefix, SERVER_PATHS.socketDir);
  return {
    socket: join(run, `docker-${req.networkId}.sock`),
    execRoot: join(run, `exec-${req.networkId}`),
    pidfile: join(run, `docker-${req.networkId}.pid`),
    supervisor: join(run, `docker-${req.networkId}.supervisor.pid`),
    config: onServer(req.rootPrefix, `etc/rediacc/docker-${req.networkId}.json`),
    log: onServer(req.rootPrefix, `var/log/rediacc/docker-${req.networkId}.log`),
  };
}

/**
 * `renet repo-daemon start|stop|status` with {rootPrefix, networkId, dataRoot} on stdin: the repo's
 * own dockerd (SYSTEM.md §4) on /var/run/rediacc/docker-{id}.sock, bridge none, no iptables, its own
 * data-root, exec-root, pidfile and config, kept running by `renet supervise` in its own session.
 */
export async function repoDaemonCommand(args: string[], stdin: string): Promise<unknown> {
  const req = JSON.parse(stdin) as DaemonRequest;
  if (!isNetworkId(req.networkId) || typeof req.rootPrefix !== 'string' || typeof req.dataRoot !== 'string') throw new Error('repo-daemon request: rootPrefix, networkId (2816 + 64·n) and dataRoot are required');
  const p = paths(req);
  if (args[0] === 'status') return { networkId: req.networkId, socket: p.socket, running: await ping(p.socket) };
  if (args[0] === 'start') {
    if (await ping(p.socket)) return { networkId: req.networkId, socket: p.socket, action: 'running' };
    for (const dir of [req.dataRoot, p.execRoot]) mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const file of [p.config, p.log]) mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true });
    if (!existsSync(p.config)) writeFileSync(p.config, '{}\n');
    const out = openSync(p.log, 'a');
    const renet = process.argv[1] as string;
    spawn(process.execPath, [renet, 'supervise', '--pidfile', p.supervisor, '--', 'dockerd', '--host', `unix://${p.socket}`, '--data-root', req.dataRoot,
      '--exec-root', p.execRoot, '--pidfile', p.pidfile, '--config-file', p.config, '--bridge=none', '--iptables=false', '--ip6tables=false',
      '--ip-masq=false', '--userland-proxy=false', '--log-level=warn'], { detached: true, stdio: ['ignore', out, out] }).unref();
    for (let i = 0; i < 300; i++) {
      if (await ping(p.socket)) return { networkId: req.networkId, socket: p.socket, action: 'started' };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the daemon of repo ${req.networkId} did not answer within 15 s; see ${p.log}`);
  }
  if (args[0] === 'stop') {
    const pid = pidFromFile(p.supervisor, 'supervise');
    if (!pid) return { networkId: req.networkId, socket: p.socket, action: 'stopped' };
    // The supervisor stops dockerd, which stops the containers and removes its socket.
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 600 && pidFromFile(p.supervisor); i++) await new Promise((r) => setTimeout(r, 50));
    unmountUnder(p.execRoot);
    unmountUnder(req.dataRoot);
    return { networkId: req.networkId, socket: p.socket, action: 'stopped' };
  }
  throw new Error('usage: renet repo-daemon start|stop|status < request.json');
}

/** dockerd can leave its netns mount, and its data-root bound on itself, behind after exiting (testbed-notes pitfall 11). */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m === dir || m.startsWith(`${dir}/`));
  for (const m of mounts.sort().reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      // already gone
    }
  }
}

async function ping(socket: string): Promise<boolean> {
  return (await localGet({ socketPath: socket }, '/_ping', 1000)).status === 200;
}
