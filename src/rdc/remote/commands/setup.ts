import { onServer, SERVER_PATHS } from '../../../core/infra/server-layout.js';
import { shellQuote } from '../../../core/util/shell-quote.js';
import { command, type RemoteCommand } from '../command.js';

/**
 * One exec that reports what a server has, as `key=value` lines: the OS, the Docker daemon that
 * renet will use (`{prefix}/var/run/docker.sock`), compose v2 or v1, Node.js, the user, apt, systemd.
 */
export function probeServer(rootPrefix: string): RemoteCommand {
  const socket = onServer(rootPrefix, SERVER_PATHS.hostDockerSocket);
  const dockerHost = rootPrefix === '/' ? '' : `DOCKER_HOST=unix://${shellQuote(socket)} `;
  const script = [
    'if [ -r /etc/os-release ]; then . /etc/os-release; fi',
    'echo "os=${ID:-unknown}"; echo "os_like=${ID_LIKE:-}"; echo "os_name=${PRETTY_NAME:-unknown}"',
    `echo "docker=$(${dockerHost}docker version --format '{{.Server.Version}}' 2>/dev/null)"`,
    'echo "dockerd=$(command -v dockerd)"',
    `echo "compose_v2=$(${dockerHost}docker compose version --short 2>/dev/null)"`,
    'echo "compose_v1=$(command -v docker-compose)"',
    'echo "node=$(node --version 2>/dev/null)"',
    'echo "uid=$(id -u)"; echo "apt=$(command -v apt-get)"',
    'if [ -d /run/systemd/system ]; then echo systemd=yes; else echo systemd=no; fi',
  ].join('; ');
  // As root, like the install: a non-root user would not see docker's socket (docker group or not).
  return command('probe the server', ['sh', '-c', script], { root: true });
}

/** Refreshes apt's package lists, as root. */
export function aptUpdate(): RemoteCommand {
  return command('refresh the package lists', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-q'], { root: true });
}

/** Installs Debian packages non-interactively, as root (apt resolves the whole set before it installs any). */
export function aptInstall(packages: string[]): RemoteCommand {
  return command(`install ${packages.join(', ')}`, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...packages], { root: true });
}

export function makeDirs(paths: string[]): RemoteCommand {
  return command('create the server directories', ['mkdir', '-p', ...paths], { root: true });
}
