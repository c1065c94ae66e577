import { posix } from 'node:path';

/**
 * Where a repo's compose model may point on the host: inside the repo's mount, after symlinks.
 * `realpath` is given by the caller (renet: the server's filesystem, following every symlink; the
 * local pre-check: the identity), so this stays pure.
 */
export interface PathScope {
  /** The repo's mount (REPOSITORY_PATH), itself already a real path. */
  mount: string;
  /** The directory relative paths are resolved from (the compose file's). */
  baseDir: string;
  realpath(path: string): string;
}

/** The repo's own Docker daemon keeps its data (every container's config) here: never reachable from a container. */
export const STATE_DIR = '.rediacc';

/**
 * Why a host path is refused, or undefined when it is inside the mount. `forBind`: a bind mount
 * must not hold the daemon's state, so the mount's root itself (which contains it) is refused too.
 */
export function outsideReason(path: string, scope: PathScope, forBind: boolean): string | undefined {
  if (path.startsWith('~')) return `${path} is the server user's home, outside the repo`;
  const resolved = posix.resolve(scope.baseDir, path);
  const real = scope.realpath(resolved);
  const mount = scope.mount.replace(/\/+$/, '');
  const shown = real === resolved ? resolved : `${resolved} (a symlink to ${real})`;
  if (real !== mount && !real.startsWith(`${mount}/`)) return `${shown} is outside the repo (${mount})`;
  const state = `${mount}/${STATE_DIR}`;
  if (real === state || real.startsWith(`${state}/`)) return `${shown} is renet's and the repo daemon's own state`;
  if (forBind && real === mount) return `${shown} is the repo's root, which holds the repo daemon's state (${STATE_DIR}/); bind a subdirectory instead`;
  return undefined;
}

/** A build context or additional context that is not a path (a URL, an image, another service). */
export function isRemoteContext(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^git@/.test(value) || /^(service|target):/.test(value);
}
