import { UserError } from '../errors.js';
import { diagnose } from '../infra/diagnose.js';
import type { Machine } from '../config/model.js';
import { routeRows, type RouteRow } from '../infra/route-rows.js';
import { certificateFindings, certificateRows } from '../infra/certificates.js';
import type { Runner } from '../remote/runner.js';
import { machinePortsReply, machineRoutesReply, machineStatusReply, type MachineVerb } from '../protocol/machine.js';
import type { Check } from '../protocol/check.js';
import { readRenetReply, renetMachine } from '../remote/commands/renet.js';
import { loadMachine, withConnection } from './connect-machine.js';
import type { Deps } from './deps.js';
import { localRenet } from './renet-bundle.js';

/** One SSH round trip: renet on the machine answers for the route server and Traefik. */
async function askMachine<T>(deps: Deps, name: string, verb: MachineVerb, check: Check<T>): Promise<T> {
  const { machine, context } = await loadMachine(deps, name);
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

/** The machine's routes as rows, over an open connection. */
export async function routesOver(runner: Runner, name: string, machine: Machine): Promise<RouteRow[]> {
  const dynamic = await askOver(runner, name, machine, 'routes', machineRoutesReply);
  if (!dynamic) throw new UserError(`The route server on ${name} does not answer.`, { hint: `rdc machine status ${name} tells why.` });
  return routeRows(dynamic);
}

export async function machineStatus(deps: Deps, name: string) {
  const status = await askMachine(deps, name, 'status', machineStatusReply);
  // Findings name repos as the user knows them, not by network ID.
  const { context } = await loadMachine(deps, name);
  const repoNames = Object.fromEntries(Object.entries(context.repositories).filter(([, r]) => r.machine === name).map(([n, r]) => [r.networkId, n]));
  const now = new Date();
  const certificates = status.acme ? certificateRows(status.acme, now) : [];
  return { machine: name, ...status, certificates, findings: [...diagnose(status, name, repoNames), ...certificateFindings(status.acme, name, now)] };
}

export async function machineRoutes(deps: Deps, name: string) {
  const dynamic = await askMachine(deps, name, 'routes', machineRoutesReply);
  if (!dynamic) throw new UserError(`The route server on ${name} does not answer.`, { hint: `rdc machine status ${name} tells why; rdc context push-infra ${name} restarts it.` });
  return { machine: name, routes: routeRows(dynamic) };
}

export async function machinePorts(deps: Deps, name: string) {
  const ports = await askMachine(deps, name, 'ports', machinePortsReply);
  if (!ports) throw new UserError(`The route server on ${name} does not answer.`, { hint: `rdc machine status ${name} tells why.` });
  return { machine: name, ...ports };
}
