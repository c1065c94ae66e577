import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type Docker from 'dockerode';
import { hostDockerEnv } from './infra/host-exec.js';

/**
 * Small server-side facts renet asks about in several places: a local HTTP endpoint, the mounts,
 * the host's Docker daemon (a process named by a pidfile: host/pid-file.ts).
 */

/** GET on loopback (a port) or a unix socket; status 0 when nothing answers in time. */
export function localGet(target: { port: number } | { socketPath: string }, path: string, timeoutMs = 2000): Promise<{ status: number; body: string; bytes: Buffer }> {
  return localRequest(target, 'GET', path, timeoutMs);
}

/** Any method, no body sent (the Docker API's POST /containers/{id}/start needs none). */
export function localRequest(target: { port: number } | { socketPath: string }, method: string, path: string, timeoutMs = 2000): Promise<{ status: number; body: string; bytes: Buffer }> {
  return new Promise((resolve) => {
    const where = 'port' in target ? { host: '127.0.0.1', port: target.port } : { socketPath: target.socketPath };
    const req = request({ ...where, method, path, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        // The raw bytes too: Docker's log stream is binary-framed.
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', () => resolve({ status: 0, body: '', bytes: Buffer.alloc(0) }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Every mount point, decoded (/proc/self/mounts writes space, tab, newline and backslash as octal escapes). */
export function mountPoints(): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').filter(Boolean)
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** A Docker Engine client for the host daemon renet uses under this root prefix. */
export async function hostDocker(rootPrefix: string): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  const host = hostDockerEnv(rootPrefix).DOCKER_HOST;
  return new DockerClient({ socketPath: host ? host.replace(/^unix:\/\//, '') : '/var/run/docker.sock', timeout: 5000 });
}
