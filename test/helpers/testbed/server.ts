import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startDockerd, type Dockerd } from './dockerd.js';
import { waitFor } from './ports.js';
import { unmountUnder } from './mounts.js';
import { importTraefikImage } from './traefik-image.js';

export interface TestServer {
  /** The machine's root prefix: every path renet owns lives below it. */
  rootPrefix: string;
  hostDocker: Dockerd;
  stop(): Promise<void>;
}

/**
 * A "server" on this machine: a root prefix in a temp dir whose host Docker daemon listens at
 * `{prefix}/var/run/docker.sock` (where renet looks for it) with Traefik's image loaded.
 */
export async function startTestServer(dir: string, shared?: Dockerd): Promise<TestServer> {
  const rootPrefix = join(dir, 'root');
  mkdirSync(join(rootPrefix, 'var/run'), { recursive: true });
  // Several servers may share one host daemon (the benchmark's ten machines): a symlinked socket.
  if (shared) symlinkSync(shared.socket, join(rootPrefix, 'var/run/docker.sock'));
  const hostDocker = shared ?? (await startDockerd(join(rootPrefix, 'var/run/docker.sock'), join(dir, 'host-dockerd')));
  if (!shared) await importTraefikImage(hostDocker);
  return {
    rootPrefix,
    hostDocker,
    async stop() {
      await stopSupervisors(rootPrefix);
      unmountUnder(rootPrefix);
      if (!shared) await hostDocker.stop();
    },
  };
}

/**
 * Stops what renet supervises under a root prefix, by pidfile (each runs in its own session):
 * the repo daemons first, which stop their containers, and the route server last.
 */
export async function stopSupervisors(rootPrefix: string): Promise<void> {
  const runDir = join(rootPrefix, 'var/run/rediacc');
  const pidfiles = existsSync(runDir) ? readdirSync(runDir).filter((f) => f.endsWith('supervisor.pid')).map((f) => join(runDir, f)) : [];
  for (const pidfile of pidfiles.sort((a, b) => Number(a.includes('router')) - Number(b.includes('router')))) {
    try {
      process.kill(Number(readFileSync(pidfile, 'utf8')), 'SIGTERM');
      await waitFor(`${pidfile} to go`, async () => (existsSync(pidfile) ? undefined : true), 30_000, 50);
    } catch {
      // already gone
    }
  }
}
