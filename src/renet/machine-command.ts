import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { onServer, SERVER_PATHS } from '../core/infra/server-layout.js';
import { parseRouteOwners, ROUTE_OWNERS_PATH, type RouteOwner } from '../core/protocol/route-owners.js';
import { proxyFileErrors, proxyStatus } from './infra/proxy.js';
import { localGet } from './local.js';
import { hostPort } from './route-server/backend-health.js';
import { repoServiceStates } from './repo/service-states.js';
import { usesSystemd } from './host/supervisor.js';
import { routerSupervisorPid } from './infra/router-service.js';
import { repoStates } from './repo/repo-states.js';
import { acmeState } from './infra/acme-state.js';
import { parseMachineRequest, type MachineRequest, type MachinePortsReply, type MachineRoutesReply, type MachineStatusReply } from '../core/protocol/machine.js';
import type { RouterHealth } from '../core/protocol/route-server.js';

type Obj = Record<string, unknown>;

/**
 * `renet machine status|routes|ports`: what the server looks like right now, as JSON on stdout.
 * routes (who owns each route: /owners.json, or null while the route server does not serve it) and
 * ports are the route server's own answers; status adds Traefik, the route server's health, and a
 * check that every backend accepts connections (the usual cause of a 502).
 */
export async function machineCommand(args: string[], stdin: string): Promise<MachineStatusReply | MachineRoutesReply | MachinePortsReply> {
  const req = parseMachineRequest(args[0] ?? '', stdin);
  if (args[0] === 'routes') {
    // A 503 body ({status: 'starting'}) is no list of routes: DNS sync must not read it as "none".
    const owners = await getJson(req.routerPort, ROUTE_OWNERS_PATH);
    return owners.status === 200 ? owners.body as MachineRoutesReply : null;
  }
  if (args[0] === 'ports') {
    // A route server still starting answers 503 with no ports: that is "does not answer" to rdc.
    const ports = await getJson(req.routerPort, '/ports');
    return ports.status === 200 ? ports.body as MachinePortsReply : null;
  }
  if (args[0] === 'status') return status(req);
  throw new Error('usage: renet machine status|routes|ports < request.json');
}

async function status(req: MachineRequest): Promise<MachineStatusReply> {
  const [proxy, health, routes, owners, repos, repoVolumes] = await Promise.all([proxyStatus(req.rootPrefix), getJson(req.routerPort, '/health'), getJson(req.routerPort, '/routes.json'),
    getJson(req.routerPort, ROUTE_OWNERS_PATH), repoServiceStates(req.rootPrefix), typeof req.datastore === 'string' ? repoStates(req.rootPrefix, req.datastore) : []]);
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
      supervisedBy: usesSystemd(req.rootPrefix) ? 'systemd' : routerSupervisorPid(req.rootPrefix) ? 'renet supervise' : null,
      httpStatus: health.status,
      health: health.status === 200 ? health.body as RouterHealth : null,
    },
    certResolver: (settings.certResolver as string | undefined) ?? null,
    acme: await acmeState(req.rootPrefix, proxy.container),
    baseDomain: (settings.baseDomain as string | undefined) ?? null,
    repoVolumes,
    backends: routes.status === 200 ? await probeBackends(routes.body as Obj, owners.status === 200 ? parseRouteOwners(owners.body, ROUTE_OWNERS_PATH).routes : []) : [],
    repos,
  };
}

/** Every service backend of the current routes, whose container it is (from the owners), and whether it accepts a TCP connection. */
async function probeBackends(dynamic: Obj, owners: RouteOwner[]): Promise<{ service: string; backend: string; accepts: boolean; networkId?: number; container?: string }[]> {
  const targets: { service: string; backend: string; networkId?: number; container?: string }[] = [];
  for (const section of ['http', 'tcp'] as const) {
    const services = ((dynamic[section] as Obj | undefined)?.services ?? {}) as Record<string, { loadBalancer?: { servers?: { url?: string; address?: string }[] } }>;
    for (const [service, def] of Object.entries(services)) {
      for (const server of def.loadBalancer?.servers ?? []) {
        const backend = server.url ? hostPort(server.url) : server.address;
        const owner = owners.find((o) => o.kind === section && o.backends.includes((server.url ?? server.address) as string));
        if (backend) targets.push({ service, backend, ...(owner ? { networkId: owner.networkId, container: owner.container } : {}) });
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
