import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { onServer, SERVER_PATHS } from '../infra/server-layout.js';
import { proxyFileErrors, proxyStatus } from './infra/proxy.js';
import { localGet } from './local.js';
import { hostPort } from './route-server/backend-health.js';
import { repoServiceStates } from './repo/service-states.js';
import { supervisorPid, usesSystemd } from './infra/router-service.js';
import { repoStates } from './repo/repo-states.js';
import { acmeState } from './infra/acme-state.js';

interface MachineRequest {
  rootPrefix: string;
  routerPort: number;
  /** Where the repos' volumes live: status lists each repo and whether it is running or locked. */
  datastore?: string;
}

type Obj = Record<string, unknown>;

/**
 * `renet machine status|routes|ports`: what the server looks like right now, as JSON on stdout.
 * routes and ports are the route server's own answers; status adds Traefik, the route server's
 * health, and a check that every backend accepts connections (the usual cause of a 502).
 */
export async function machineCommand(args: string[], stdin: string): Promise<unknown> {
  const req = JSON.parse(stdin) as MachineRequest;
  if (typeof req.rootPrefix !== 'string' || !Number.isInteger(req.routerPort)) throw new Error('machine request: rootPrefix and routerPort are required');
  if (args[0] === 'routes') return (await getJson(req.routerPort, '/routes.json?peek')).body;
  if (args[0] === 'ports') return (await getJson(req.routerPort, '/ports')).body;
  if (args[0] === 'status') return status(req);
  throw new Error('usage: renet machine status|routes|ports < request.json');
}

async function status(req: MachineRequest) {
  const [proxy, health, routes, repos, repoVolumes] = await Promise.all([proxyStatus(req.rootPrefix), getJson(req.routerPort, '/health'), getJson(req.routerPort, '/routes.json?peek'),
    repoServiceStates(req.rootPrefix), typeof req.datastore === 'string' ? repoStates(req.rootPrefix, req.datastore) : []]);
  let settings: Obj = {};
  try {
    settings = JSON.parse(readFileSync(onServer(req.rootPrefix, SERVER_PATHS.routerConfig), 'utf8')) as Obj;
  } catch {
    // not pushed yet: reported through the router's absence
  }
  return {
    // fileErrors: what Traefik logged about the routes file (router.health.proxy compares its API's view).
    traefik: { ...proxy, fileErrors: await proxyFileErrors(req.rootPrefix, proxy.container) },
    router: {
      supervisedBy: usesSystemd(req.rootPrefix) ? 'systemd' : supervisorPid(req.rootPrefix) ? 'renet supervise' : null,
      httpStatus: health.status,
      health: health.status === 200 ? health.body : null,
    },
    certResolver: settings.certResolver ?? null,
    acme: await acmeState(req.rootPrefix, proxy.container),
    baseDomain: settings.baseDomain ?? null,
    repoVolumes,
    backends: routes.status === 200 ? await probeBackends(routes.body as Obj) : [],
    repos,
  };
}

/** Every service backend of the current routes, and whether it accepts a TCP connection. */
async function probeBackends(dynamic: Obj): Promise<{ service: string; backend: string; accepts: boolean }[]> {
  const targets: { service: string; backend: string }[] = [];
  for (const section of ['http', 'tcp'] as const) {
    const services = ((dynamic[section] as Obj | undefined)?.services ?? {}) as Record<string, { loadBalancer?: { servers?: { url?: string; address?: string }[] } }>;
    for (const [service, def] of Object.entries(services)) {
      for (const server of def.loadBalancer?.servers ?? []) {
        const backend = server.url ? hostPort(server.url) : server.address;
        if (backend) targets.push({ service, backend });
      }
    }
  }
  return Promise.all(targets.map(async (t) => ({ ...t, accepts: await accepts(t.backend) })));
}

function accepts(backend: string): Promise<boolean> {
  const at = backend.lastIndexOf(':');
  const port = Number(backend.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 1 || port > 65535) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host: backend.slice(0, at), port, timeout: 1000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

async function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const r = await localGet({ port }, path, 3000);
  try {
    return { status: r.status, body: JSON.parse(r.body) };
  } catch {
    return { status: r.status, body: null };
  }
}
