import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import { startService, supervisorPid, type HostService, type StartResult } from '../host/supervisor.js';
import { localGet } from '../local.js';

/** The route server as a host service: the unit push-infra ships, or `renet supervise` with its log. */
function routerService(rootPrefix: string): HostService {
  const renet = onServer(rootPrefix, SERVER_PATHS.renet);
  return {
    rootPrefix, unit: 'rediacc-router', renet,
    pidfile: onServer(rootPrefix, SERVER_PATHS.routerSupervisorPid),
    log: onServer(rootPrefix, SERVER_PATHS.routerLog),
    command: [process.execPath, renet, 'route-server', '--config', onServer(rootPrefix, SERVER_PATHS.routerConfig)],
    stopWithinMs: 5000,
  };
}

/** The route server's live `renet supervise`, where systemd does not run it. */
export function routerSupervisorPid(rootPrefix: string): number | undefined {
  return supervisorPid(routerService(rootPrefix).pidfile);
}

/** Starts the route server, or restarts it when `restart` (its config or renet changed). */
export function ensureRouter(rootPrefix: string, restart: boolean): Promise<StartResult> {
  return startService(routerService(rootPrefix), restart);
}

/** GET /health on the route server; its HTTP status, or 0 when nothing answers. */
export function routerHealth(port: number): Promise<{ status: number; body: string }> {
  return localGet({ port }, '/health');
}
