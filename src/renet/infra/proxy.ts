import { sha256 } from '../../core/render/rendered-file.js';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import { composeCli } from '../host/compose-cli.js';
import { hostDocker } from '../local.js';
import { hostDockerEnv, hostExec } from './host-exec.js';

/** `rediacc-proxy`, or one per root prefix so test servers can share a host daemon. */
export function proxyProject(rootPrefix: string): string {
  return rootPrefix === '/' ? 'rediacc-proxy' : `rediacc-proxy-${sha256(rootPrefix).slice(0, 8)}`;
}

/** Starts or updates the proxy project; compose recreates Traefik only when its definition changed. */
export async function proxyUp(rootPrefix: string): Promise<string> {
  const env = hostDockerEnv(rootPrefix);
  const { bin, base } = await composeCli(env);
  const file = onServer(rootPrefix, SERVER_PATHS.proxyCompose);
  const r = await hostExec(bin, [...base, '-p', proxyProject(rootPrefix), '-f', file, 'up', '-d', '--remove-orphans'], env);
  if (r.code === 127) throw new Error('neither "docker compose" nor "docker-compose" is installed; run rdc machine setup');
  if (r.code !== 0) throw new Error(`starting the proxy failed (exit ${r.code}):\n${(r.stderr || r.stdout).trim().split('\n').slice(-8).join('\n')}`);
  return r.stderr + r.stdout;
}

/**
 * Whether the proxy's Traefik container runs, found by compose's project label (not by name: v1 and
 * v2 name differently). Asked through the Engine API, not the docker CLI: this runs on every push.
 */
export async function proxyStatus(rootPrefix: string): Promise<{ running: boolean; container: string | null; image: string | null }> {
  try {
    const docker = await hostDocker(rootPrefix);
    const list = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${proxyProject(rootPrefix)}`], status: ['running'] } });
    const name = list[0]?.Names[0]?.replace(/^\//, '') ?? null;
    return { running: name !== null, container: name, image: list[0]?.Image ?? null };
  } catch {
    return { running: false, container: null, image: null };
  }
}

/**
 * Errors Traefik logged for its file provider (a routes file it could not read or decode keeps
 * it on the previous routes): the last few from the proxy container's recent log, newest last.
 */
export async function proxyFileErrors(rootPrefix: string, container: string | null): Promise<string[]> {
  if (!container) return [];
  try {
    const docker = await hostDocker(rootPrefix);
    const raw = (await docker.getContainer(container).logs({ stdout: true, stderr: true, tail: 400, follow: false })) as unknown as Buffer;
    // Traefik colours its console log even without a TTY; the escapes go before matching.
    return logLines(raw).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
      .filter((l) => /\b(ERR|error|level=error)\b/.test(l) && /providerName=file/.test(l))
      .slice(-3).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
  } catch {
    return [];
  }
}

/** Docker's multiplexed log stream (8-byte frame headers, no TTY) as text lines. */
function logLines(raw: Buffer): string[] {
  const parts: Buffer[] = [];
  let at = 0;
  const framed = raw.length >= 8 && raw[0]! <= 2 && raw[1] === 0 && raw[2] === 0 && raw[3] === 0;
  if (!framed) return raw.toString('utf8').split('\n').filter(Boolean);
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8').split('\n').filter(Boolean);
}
