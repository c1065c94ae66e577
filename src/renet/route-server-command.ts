import { readFileSync } from 'node:fs';
import { createRouteApi } from './route-server/http-api.js';
import { RouteServer } from './route-server/route-server.js';
import { parseRouterConfig } from './route-server/settings-file.js';

/** `renet route-server --config FILE`: runs until SIGTERM/SIGINT. */
export async function routeServerCommand(args: string[], log: (line: string) => void): Promise<number> {
  const at = args.indexOf('--config');
  const file = at >= 0 ? args[at + 1] : undefined;
  if (!file) {
    log('usage: renet route-server --config /etc/rediacc/router.json');
    return 2;
  }
  const cfg = parseRouterConfig(JSON.parse(readFileSync(file, 'utf8')));
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const server = new RouteServer({
    settings: cfg,
    socketDir: cfg.socketDir,
    stateDir: cfg.stateDir,
    graceMs: env('RENET_ROUTER_GRACE_MS', 120_000),
    resyncMs: env('RENET_ROUTER_RESYNC_MS', 10_000),
    // Traefik's checks run every second by default (health-labels.ts): a DOWN shows within a few.
    healthMs: env('RENET_ROUTER_HEALTH_MS', 2000),
    // Short: the file writer already holds Traefik to one reload per 100 ms.
    throttleMs: env('RENET_ROUTER_THROTTLE_MS', 5),
    proxy: {
      file: cfg.dynamicFile,
      tempDir: cfg.dynamicTempDir,
      api: cfg.traefikApi,
      // Traefik's providersThrottleDuration (traefik-static.ts): writing faster only costs it rebuilds.
      writeIntervalMs: env('RENET_ROUTER_WRITE_INTERVAL_MS', 100),
      settleMs: env('RENET_ROUTER_SETTLE_MS', 3000),
    },
    log,
  });
  const api = createRouteApi(server, cfg.baseDomain !== null);
  await new Promise<void>((resolve, reject) => {
    api.once('error', reject);
    api.listen(cfg.listen.port, cfg.listen.host, () => resolve());
  });
  log(`route server listening on http://${cfg.listen.host}:${cfg.listen.port} (sockets ${cfg.socketDir}/docker-*.sock)`);
  await server.start();
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  log('route server stopping');
  server.stop();
  api.close();
  return 0;
}
