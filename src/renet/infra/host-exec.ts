import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';

export interface HostResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program on this server (renet's side), never through a shell. `input` goes to its stdin:
 * how a passphrase reaches cryptsetup, never through argv or a file.
 */
export function hostExec(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): Promise<HostResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
    });
    // A program that exits without reading its stdin must not turn into an EPIPE crash.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/**
 * The host's Docker daemon: `{rootPrefix}/var/run/docker.sock`. With the root prefix `/` that is
 * Docker's own default; a test server under a temp prefix gets a private daemon there.
 */
export function hostDockerEnv(rootPrefix: string): NodeJS.ProcessEnv {
  const socket = onServer(rootPrefix, SERVER_PATHS.hostDockerSocket);
  return rootPrefix === '/' || !existsSync(socket) ? { ...process.env } : { ...process.env, DOCKER_HOST: `unix://${socket}` };
}
