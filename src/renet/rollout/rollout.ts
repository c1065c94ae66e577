import type { HealthSettings } from '../../core/compose/health-labels.js';
import type { RouteSettings } from '../route-server/model.js';
import type { Compose } from '../compose-tool.js';
import { waitForSwitch } from '../repo/routes-wait.js';
import { routeBackends, tcpEndpoints, type Backends } from './backends.js';
import { candidateServiceName, ROLLOUT_ARGS } from './candidate.js';
import { drain } from './drain.js';
import { healthGate } from './health-gate.js';
import { leftoverFate, type ObservedContainer } from './plan.js';
import { projectContainers, removeContainer } from './repo-docker.js';
import { readPins, setPin } from './switch.js';

/** How long Traefik may take to serve a switch (the route server writes within 100 ms, Traefik reloads within ~200 ms). */
const SWITCH_TIMEOUT_MS = 20_000;

export interface RolloutContext {
  compose: Compose;
  project: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The checked model compose runs, and the candidate's model (candidate.ts). */
  mainFile: string;
  candidateFile: string;
  socket: string;
  networkId: number;
  pinsDir: string;
  routerPort: number;
  traefikApi: { host: string; port: number };
  settings: RouteSettings;
  log: (line: string) => void;
}

export interface ServiceRollout {
  service: string;
  old: ObservedContainer;
  candidateIp: string;
  realIp: string;
  /** Labels of the service in the new model (at its real address) and of its candidate. */
  labels: Record<string, string>;
  candidateLabels: Record<string, string>;
  health: HealthSettings;
}

export interface RolloutFailure {
  reason: string;
  /** The failing container's last log lines. */
  logs: string[];
  /** What serves now. */
  serving: 'old' | 'candidate';
}

/**
 * Replace, then switch, twice (zdd-design.md): the candidate starts beside the old container, is
 * health-gated, gets the route, the old one drains; then compose recreates the service at its real
 * address, that container is gated, gets the route back, the candidate drains and goes. So
 * `{SERVICE}_IP` never changes and routed traffic always has a healthy backend. Until the
 * candidate serves, any failure rolls back (candidate removed, pin deleted, the old one serving
 * untouched); after that, a failure leaves the candidate serving the new version.
 */
export async function rolloutService(ctx: RolloutContext, r: ServiceRollout): Promise<RolloutFailure | undefined> {
  const say = (m: string) => ctx.log(`renet compose: ${r.service}: ${m}`);
  const backends = (labels: Record<string, string>): Backends => routeBackends(labels, ctx.networkId, ctx.settings);
  say(`starting the new version beside the old one, at ${r.candidateIp}`);
  const name = candidateServiceName(r.service, r.candidateIp);
  const earlier = await containersOf(ctx, r.service, true);
  // What serves now: the service's container, or a candidate an earlier failed rollout left pinned.
  const pin = readPins(ctx.pinsDir, ctx.networkId).services[r.service];
  const servingNow = earlier.find((c) => c.id === pin);
  const back = { pin: servingNow?.id, ip: servingNow?.labels['rediacc.service_ip'] ?? r.realIp };
  const started = await ctx.compose.run(ctx.project, ctx.dir, ctx.candidateFile, ROLLOUT_ARGS.startOne(name), ctx.env);
  const candidate = (await containersOf(ctx, r.service, true)).find((c) => c.labels['com.docker.compose.service'] === name);
  if (started !== 0 || !candidate) {
    if (candidate) await removeContainer(ctx.socket, candidate.id, 0);
    return { reason: `the new version did not start (compose exited ${started})`, logs: [], serving: 'old' };
  }
  let pinned = false;
  let handedOver = false;
  try {
    const gate = await healthGate(ctx.socket, candidate.id, backends(r.candidateLabels), r.health);
    if (!gate.healthy) return { reason: `the new version is not healthy: ${gate.reason}`, logs: gate.logs, serving: 'old' };
    say(`healthy (${gate.how}); switching its routes to it`);
    setPin(ctx.pinsDir, ctx.networkId, r.service, candidate.id);
    pinned = true;
    const toNew = await waitForSwitch(ctx.routerPort, ctx.traefikApi, r.candidateIp, r.realIp, SWITCH_TIMEOUT_MS);
    if (!toNew.ok) {
      return { reason: `Traefik did not serve the switch to the new container within ${SWITCH_TIMEOUT_MS / 1000}s: ${toNew.cause}`, logs: [], serving: 'old' };
    }
    await drainOrSay(say, 'the old container', tcpEndpoints(backends(r.old.labels)), r.health);
    // A candidate of an earlier failed rollout served until the pin moved: it drains and goes too.
    for (const c of earlier) {
      await drainOrSay(say, `the earlier candidate ${c.id.slice(0, 12)}`, tcpEndpoints(backends(c.labels)), r.health);
      await removeContainer(ctx.socket, c.id);
    }
    handedOver = true;
  } finally {
    if (!handedOver) await rollBack(ctx, r, candidate.id, pinned, back);
  }
  const keeps = `; the new version keeps serving from its candidate container at ${r.candidateIp}`;
  const code = await ctx.compose.run(ctx.project, ctx.dir, ctx.mainFile, ROLLOUT_ARGS.startOne(r.service), ctx.env);
  const fresh = (await containersOf(ctx, r.service, false))[0];
  if (code !== 0 || !fresh) return { reason: `compose could not recreate it at ${r.realIp} (exit ${code})${keeps}`, logs: [], serving: 'candidate' };
  const gate = await healthGate(ctx.socket, fresh.id, backends(r.labels), r.health);
  if (!gate.healthy) return { reason: `the new version at ${r.realIp} is not healthy: ${gate.reason}${keeps}`, logs: gate.logs, serving: 'candidate' };
  setPin(ctx.pinsDir, ctx.networkId, r.service, fresh.id);
  const toReal = await waitForSwitch(ctx.routerPort, ctx.traefikApi, r.realIp, r.candidateIp, SWITCH_TIMEOUT_MS);
  if (!toReal.ok) {
    return { reason: `Traefik did not serve the switch back to ${r.realIp} within ${SWITCH_TIMEOUT_MS / 1000}s (${toReal.cause}); both containers run, pinned to the new one`, logs: [], serving: 'candidate' };
  }
  await drainOrSay(say, 'the candidate', tcpEndpoints(backends(r.candidateLabels)), r.health);
  await removeContainer(ctx.socket, candidate.id);
  setPin(ctx.pinsDir, ctx.networkId, r.service, undefined);
  say(`replaced without downtime (new container ${fresh.id.slice(0, 12)} at ${r.realIp})`);
  return undefined;
}

/**
 * Candidates left by a rollout that was killed (renet compose holds signals during one, but a
 * power cut or SIGKILL cannot be held). One that is not pinned never got traffic (the route server
 * holds candidates back while the service's own container runs): it is removed. A pinned one serves
 * (its rollout failed at the second gate, or died after the switch): it stays, and is said; unless
 * compose recreates its service now (plan.ts leftoverFate): its pin and it go first.
 */
export async function clearLeftovers(ctx: RolloutContext, running: ObservedContainer[], recreated: ReadonlySet<string>): Promise<void> {
  const pinned = new Set(Object.values(readPins(ctx.pinsDir, ctx.networkId).services));
  for (const c of running.filter((x) => x.candidate)) {
    const fate = leftoverFate(c, pinned, recreated);
    if (fate === 'keep') {
      ctx.log(`warning: renet compose: ${c.service}: candidate ${c.id.slice(0, 12)} of an earlier rollout still serves it (pinned); the next change of ${c.service} replaces it`);
      continue;
    }
    if (fate === 'unpin-remove') setPin(ctx.pinsDir, ctx.networkId, c.service, undefined);
    ctx.log(`renet compose: ${c.service}: removing candidate ${c.id.slice(0, 12)} of an earlier rollout (${fate === 'unpin-remove' ? 'compose recreates the service' : 'it never served'})`);
    await removeContainer(ctx.socket, c.id, 0);
  }
}

/** Before the candidate served: the route goes back to what served (if it had moved), then the candidate goes. */
async function rollBack(ctx: RolloutContext, r: ServiceRollout, candidateId: string, pinned: boolean, back: { pin?: string; ip: string }): Promise<void> {
  if (pinned) {
    setPin(ctx.pinsDir, ctx.networkId, r.service, back.pin);
    if ((await waitForSwitch(ctx.routerPort, ctx.traefikApi, back.ip, r.candidateIp, SWITCH_TIMEOUT_MS)).ok) {
      await drain(tcpEndpoints(routeBackends(r.candidateLabels, ctx.networkId, ctx.settings)), r.health.drainTimeoutMs);
    }
  }
  await removeContainer(ctx.socket, candidateId, 0);
  ctx.log(`renet compose: ${r.service}: rolled back: the new container was removed, the old one keeps serving`);
}

async function drainOrSay(say: (m: string) => void, what: string, endpoints: { ip: string; port: number }[], health: HealthSettings): Promise<void> {
  const left = await drain(endpoints, health.drainTimeoutMs);
  if (left) say(`${what} still had ${left} connection(s) after ${health.drainTimeoutMs / 1000}s (rediacc.drain_timeout); stopping it anyway`);
}

/** Candidates whatever their state (one that exited is reported by the gate, then removed); others only running. */
function containersOf(ctx: RolloutContext, service: string, candidate: boolean): Promise<ObservedContainer[]> {
  return projectContainers(ctx.socket, ctx.project, candidate).then((all) => all.filter((c) => c.service === service && c.candidate === candidate));
}
