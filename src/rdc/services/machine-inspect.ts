import { UserError } from '../../core/errors.js';
import { diagnose } from '../../core/status/diagnose.js';
import type { Context, Machine } from '../../core/config/model.js';
import { routeRows } from '../../core/status/route-rows.js';
import { parseRouteOwners, type RouteOwner } from '../../core/protocol/route-owners.js';
import type { PortRoute } from '../../core/protocol/route-server.js';
import { certificateFindings, certificateRows } from '../../core/status/certificates.js';
import type { Runner } from '../remote/runner.js';
import { machinePortsReply, machineRoutesReply, machineStatusReply, type MachineVerb } from '../../core/protocol/machine.js';
import type { Check } from '../../core/protocol/check.js';
import { readRenetReply, renetMachine } from '../remote/commands/renet.js';
import { loadMachine, withConnection } from './connect-machine.js';
import type { Deps } from './deps.js';
import { localRenet } from './renet-bundle.js';

/** A registered machine and its context, as loadMachine read them (once per command). */
export type LoadedMachine = Awaited<ReturnType<typeof loadMachine>>;

/** One SSH round trip: renet on the machine answers for the route server and Traefik. */
async function askMachine<T>(deps: Deps, name: string, { machine, context }: LoadedMachine, verb: MachineVerb, check: Check<T>): Promise<T> {
  return withConnection(deps, name, machine, context, (runner) => askOver(runner, name, machine, verb, check));
}

/** The same question over a connection the caller already holds (push-infra reuses its own). */
async function askOver<T>(runner: Runner, name: string, machine: Machine, verb: MachineVerb, check: Check<T>): Promise<T> {
  const { sha256 } = await localRenet();
  const r = await runner.run(renetMachine(verb, machine.rootPrefix, sha256, { rootPrefix: machine.rootPrefix, routerPort: machine.infra.routeServerPort, datastore: machine.datastore }));
  const reply = readRenetReply(`machine ${verb}`, check, r.stdout);
  if (reply === undefined) throw new UserError(`${name} does not run this version of renet (or none yet).`, { hint: `Push the infra first: rdc context push-infra ${name}` });
  return reply;
}

/** Who owns each of the machine's routes (the route server's /owners.json), over an open connection. */
export async function routesOver(runner: Runner, name: string, machine: Machine): Promise<RouteOwner[]> {
  return ownersOf(name, await askOver(runner, name, machine, 'routes', machineRoutesReply));
}

function ownersOf(name: string, reply: unknown): RouteOwner[] {
  if (reply === null) throw new UserError(`The route server on ${name} does not answer.`, { hint: `rdc machine status ${name} tells why; rdc context push-infra ${name} restarts it.` });
  return parseRouteOwners(reply, `renet machine routes on ${name}`).routes;
}

/** Network ID → repo name, for the repos the config records on this machine (findings and rows name repos as the user knows them). */
function repoNamesOn(context: Context, name: string): Record<number, string> {
  return Object.fromEntries(Object.entries(context.repositories).filter(([, r]) => r.machine === name).map(([n, r]) => [r.networkId, n]));
}

export async function machineStatus(deps: Deps, name: string) {
  const loaded = await loadMachine(deps, name);
  const status = await askMachine(deps, name, loaded, 'status', machineStatusReply);
  // Findings name repos as the user knows them, not by network ID.
  const repoNames = repoNamesOn(loaded.context, name);
  const now = new Date();
  const certificates = status.acme ? certificateRows(status.acme, now) : [];
  return { machine: name, ...status, certificates, findings: [...diagnose(status, name, repoNames), ...certificateFindings(status.acme, name, now)] };
}

/** Who owns each of the machine's routes, over a connection of its own. */
export async function machineOwners(deps: Deps, name: string, loaded: LoadedMachine): Promise<RouteOwner[]> {
  return ownersOf(name, await askMachine(deps, name, loaded, 'routes', machineRoutesReply));
}

export async function machineRoutes(deps: Deps, name: string) {
  const loaded = await loadMachine(deps, name);
  const owners = await machineOwners(deps, name, loaded);
  return { machine: name, routes: routeRows(owners, repoNamesOn(loaded.context, name)) };
}

export async function machinePorts(deps: Deps, name: string) {
  const loaded = await loadMachine(deps, name);
  const ports = await askMachine(deps, name, loaded, 'ports', machinePortsReply);
  if (!ports) throw new UserError(`The route server on ${name} does not answer.`, { hint: `rdc machine status ${name} tells why.` });
  const names = repoNamesOn(loaded.context, name);
  const named = (rows: PortRoute[]) => rows.map((p) => (names[p.networkId] === undefined ? p : { ...p, repo: names[p.networkId] }));
  return { machine: name, tcp: named(ports.tcp), udp: named(ports.udp) };
}
