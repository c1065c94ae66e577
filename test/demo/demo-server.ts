import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dockerdArgs } from '../../src/core/repo/dockerd-args.js';
import { ping } from '../helpers/testbed/dockerd.js';
import { unmountUnder } from '../helpers/testbed/mounts.js';
import { stopSupervisors } from '../helpers/testbed/server.js';
import { freePort, waitFor } from '../helpers/testbed/ports.js';
import { importTraefikImage } from '../helpers/testbed/traefik-image.js';
import { requireSshd, requireTool } from '../helpers/testbed/tools.js';

const run = promisify(execFile);

/** The demo's "server" on loopback: an sshd and a host dockerd that outlive `npm run demo`. */
export interface DemoServer {
  sshPort: number;
  clientKey: string;
  rootPrefix: string;
  /** True when this run started it (false: it was already up from an earlier run). */
  started: boolean;
}

/**
 * Starts (or finds running) the demo server under `dir`: sshd on 127.0.0.1 with its own keys, and
 * a host Docker daemon at `{rootPrefix}/var/run/docker.sock` with the Traefik image imported, the
 * way the test bed does it (TESTING.md), but detached, with pidfiles, so they keep running.
 */
export async function ensureDemoServer(dir: string): Promise<DemoServer> {
  const rootPrefix = join(dir, 'root');
  const statePath = join(dir, 'server.json');
  const clientKey = join(dir, 'client_ed25519');
  const socket = join(rootPrefix, 'var/run/docker.sock');
  const state = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as { sshPort: number }) : undefined;
  if (state && alive(join(dir, 'sshd.pid')) && alive(join(dir, 'dockerd.pid')) && (await ping(socket))) {
    return { sshPort: state.sshPort, clientKey, rootPrefix, started: false };
  }
  await stopDemoServer(dir);
  mkdirSync(join(rootPrefix, 'var/run'), { recursive: true });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  for (const key of [join(dir, 'host_ed25519'), clientKey]) if (!existsSync(key)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', 'root'), readFileSync(`${clientKey}.pub`), { mode: 0o644 });
  const sshPort = state?.sshPort ?? (await freePort());
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${sshPort}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_ed25519')}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'keys')}/%u`, 'StrictModes no', 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'UsePAM no', 'Subsystem sftp /usr/lib/openssh/sftp-server', '',
  ].join('\n'));
  // Without -D sshd daemonizes itself and writes its pidfile.
  await run(requireSshd(), ['-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')]);
  const dockerDir = join(dir, 'host-docker');
  mkdirSync(dockerDir, { recursive: true });
  writeFileSync(join(dockerDir, 'daemon.json'), '{}\n');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const args = dockerdArgs({ socket, dataRoot: join(dockerDir, 'data'), execRoot: join(dockerDir, 'exec'), pidfile: join(dir, 'dockerd.pid'), config: join(dockerDir, 'daemon.json') });
  spawn(requireTool('dockerd'), args.slice(1), { detached: true, stdio: ['ignore', log, log] }).unref();
  await waitFor(`the demo's Docker daemon (see ${join(dir, 'dockerd.log')})`, async () => ((await ping(socket)) ? true : undefined), 30_000, 50);
  const images = (await run(requireTool('docker'), ['-H', `unix://${socket}`, 'images', '-q', 'traefik:v3.7'])).stdout.trim();
  if (!images) await importTraefikImage({ socket });
  writeFileSync(statePath, JSON.stringify({ sshPort }));
  return { sshPort, clientKey, rootPrefix, started: true };
}

/** Stops the repo daemons and route server, the host dockerd and sshd (all by pidfile); unmounts what is left. */
export async function stopDemoServer(dir: string): Promise<void> {
  await stopSupervisors(join(dir, 'root'));
  for (const pidfile of [join(dir, 'dockerd.pid'), join(dir, 'sshd.pid')]) {
    const pid = pidOf(pidfile);
    if (!pid) continue;
    process.kill(pid, 'SIGTERM');
    await waitFor(`${pidfile} to stop`, async () => (pidOf(pidfile) ? undefined : true), 30_000, 50).catch(() => undefined);
    rmSync(pidfile, { force: true });
  }
  unmountUnder(dir);
}

function pidOf(pidfile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    return pid > 0 && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pidfile: string): boolean {
  return pidOf(pidfile) !== undefined;
}
