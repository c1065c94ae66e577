import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startDockerd, type Dockerd } from './dockerd.js';
import { waitFor } from './ports.js';
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
      // renet's supervisor (and the route server under it) run in their own session: stop them by pidfile.
      const pidfile = join(rootPrefix, 'var/run/rediacc/router-supervisor.pid');
      if (existsSync(pidfile)) {
        const pid = Number(readFileSync(pidfile, 'utf8'));
        try {
          process.kill(pid, 'SIGTERM');
          await waitFor('the supervisor to stop', async () => (existsSync(pidfile) ? undefined : true), 10_000, 50);
        } catch {
          // already gone
        }
      }
      if (!shared) await hostDocker.stop();
    },
  };
}
