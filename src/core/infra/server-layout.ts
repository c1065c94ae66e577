import { posix } from 'node:path';

/**
 * Where things live on a server, relative to the machine's root prefix (`/` in production, a temp
 * dir for test servers). renet owns every one of these paths.
 */
export const SERVER_PATHS = {
  proxyDir: 'opt/rediacc/proxy',
  proxyCompose: 'opt/rediacc/proxy/docker-compose.yml',
  proxyEnv: 'opt/rediacc/proxy/config.env',
  traefikStatic: 'opt/rediacc/proxy/traefik/traefik.yml',
  traefikDynamicDefaults: 'opt/rediacc/proxy/traefik/dynamic/rediacc-defaults.yml',
  /**
   * Written by the route server (not push-infra) in the directory Traefik's file provider watches;
   * its temp file goes to the parent (bind-mounted too, same filesystem, not watched).
   */
  traefikDynamicRoutes: 'opt/rediacc/proxy/traefik/dynamic/rediacc-routes.yml',
  traefikDir: 'opt/rediacc/proxy/traefik',
  acmeDir: 'opt/rediacc/proxy/letsencrypt',
  routerConfig: 'etc/rediacc/router.json',
  routerUnit: 'etc/systemd/system/rediacc-router.service',
  binDir: 'opt/rediacc/bin',
  renet: 'opt/rediacc/bin/renet.cjs',
  /** push-infra's own state: each push's staging batch, the lock, the swap journal (renet/infra/live-files.ts). */
  infraDir: 'opt/rediacc/infra',
  infraStaging: 'opt/rediacc/infra/staging',
  infraLock: 'opt/rediacc/infra/lock',
  infraJournal: 'opt/rediacc/infra/pending.json',
  /** router.json, and each repo daemon's dockerd config (`docker-{networkId}.json`). */
  configDir: 'etc/rediacc',
  socketDir: 'var/run/rediacc',
  /** The host's Docker daemon, which runs the proxy (never a repo's containers). */
  hostDockerSocket: 'var/run/docker.sock',
  /** The route server's `renet supervise` where systemd does not run. */
  routerSupervisorPid: 'var/run/rediacc/router-supervisor.pid',
  logDir: 'var/log/rediacc',
  routerLog: 'var/log/rediacc/router.log',
  routerState: 'var/lib/rediacc/router',
  /** renet's rollout pins, one file per repo, watched by the route server (src/core/repo/rollout-pins.ts). */
  routerPins: 'var/lib/rediacc/router/pins',
  /** --acme-ca-root's PEM, mounted at /etc/traefik/acme-ca.pem in the Traefik container. */
  acmeCaRoot: 'opt/rediacc/proxy/traefik/acme-ca.pem',
} as const;

/** The absolute path of a server path under a root prefix. */
export function onServer(rootPrefix: string, relative: string): string {
  return posix.join(rootPrefix, relative);
}

/** Directories renet needs, under the root prefix (`rdc machine setup` creates them; the datastore is the machine's own). */
export const SERVER_DIRS = [SERVER_PATHS.binDir, SERVER_PATHS.proxyDir, SERVER_PATHS.infraStaging, SERVER_PATHS.configDir, SERVER_PATHS.routerState, SERVER_PATHS.socketDir, SERVER_PATHS.logDir];

/** A repo's own Docker daemon socket (SYSTEM.md §4): `/var/run/rediacc/docker-{networkId}.sock`. */
export function repoSocket(rootPrefix: string, networkId: number): string {
  return onServer(rootPrefix, `${SERVER_PATHS.socketDir}/docker-${networkId}.sock`);
}
