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
  renet: 'opt/rediacc/bin/renet.cjs',
  socketDir: 'var/run/rediacc',
  routerState: 'var/lib/rediacc/router',
  /** renet's rollout pins, one file per repo, watched by the route server (src/repo/rollout-pins.ts). */
  routerPins: 'var/lib/rediacc/router/pins',
  /** --acme-ca-root's PEM, mounted at /etc/traefik/acme-ca.pem in the Traefik container. */
  acmeCaRoot: 'opt/rediacc/proxy/traefik/acme-ca.pem',
} as const;

/** The absolute path of a server path under a root prefix. */
export function onServer(rootPrefix: string, relative: string): string {
  return posix.join(rootPrefix, relative);
}

/** A repo's own Docker daemon socket (SYSTEM.md §4): `/var/run/rediacc/docker-{networkId}.sock`. */
export function repoSocket(rootPrefix: string, networkId: number): string {
  return onServer(rootPrefix, `${SERVER_PATHS.socketDir}/docker-${networkId}.sock`);
}
