import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Slots } from '../../core/compose/rewrite.js';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import type { RouterConfig } from '../../core/render/router-config.js';
import type { Compose } from '../compose-tool.js';
import { parseRouterConfig } from '../route-server/settings-file.js';
import { isRouted, routeBackends, tcpEndpoints } from './backends.js';
import { hostSockets } from './drain.js';
import { listensOn, wildcardOnly } from './proc-net-tcp.js';
import { candidateAddress } from './candidate.js';
import { planServices, upServices, type ObservedContainer, type PlannedService, type UpTargets } from './plan.js';
import { imageId, projectContainers } from './repo-docker.js';

type Obj = Record<string, unknown>;

/** The machine's router.json (route settings, the route server's port, Traefik's API), or undefined without infra. */
export function readRouterConfig(rootPrefix: string): RouterConfig | undefined {
  try {
    return parseRouterConfig(JSON.parse(readFileSync(onServer(rootPrefix, SERVER_PATHS.routerConfig), 'utf8')));
  } catch {
    return undefined;
  }
}

export interface ObserveJob {
  compose: Compose;
  project: string;
  dir: string;
  /** The checked model compose runs (compose-check.ts wrote it). */
  file: string;
  globals: string[];
  env: NodeJS.ProcessEnv;
  socket: string;
  networkId: number;
  slots: Slots;
  router: RouterConfig;
}

export interface Observed {
  plan: PlannedService[];
  model: Obj;
  running: ObservedContainer[];
}

/** Compares the model with the project's running containers (plan.ts): what `up` would do to each service. */
export async function observePlan(job: ObserveJob, targets: UpTargets): Promise<Observed | { error: string }> {
  const hashes = await job.compose.hashes(job.project, job.dir, job.file, job.globals, job.env);
  if ('error' in hashes && typeof hashes.error === 'string') return { error: hashes.error };
  const model = parse(readFileSync(job.file, 'utf8'), { logLevel: 'error' }) as Obj;
  const services = (model.services ?? {}) as Record<string, Obj>;
  const acted = upServices(services, targets);
  const wanted = Object.fromEntries(Object.entries(hashes as Record<string, string>).filter(([s]) => acted.includes(s)));
  const running = await projectContainers(job.socket, job.project);
  const images: Record<string, string> = {};
  for (const service of Object.keys(wanted)) {
    const image = services[service]?.image;
    const id = typeof image === 'string' ? await imageId(job.socket, image) : undefined;
    if (id) images[service] = id;
  }
  const labels = (service: string) => (services[service]?.labels ?? {}) as Record<string, string>;
  const inUse = running.map((c) => c.labels['rediacc.service_ip'] ?? '');
  const sockets = hostSockets();
  const oldBackends = (service: string) => routeBackends(running.find((c) => c.service === service && !c.candidate)?.labels ?? {}, job.networkId, job.router);
  const serving = (service: string) => {
    const b = oldBackends(service);
    const endpoints = tcpEndpoints(b);
    // UDP only: nothing to look at; taken as serving.
    return endpoints.length ? listensOn(sockets, endpoints) : isRouted(b);
  };
  const plan = planServices({
    hashes: wanted, images, running, serving, wildcard: (service) => wildcardOnly(sockets, tcpEndpoints(oldBackends(service))),
    routed: (service) => isRouted(routeBackends(labels(service), job.networkId, job.router)),
    slotFree: candidateAddress(job.networkId, job.slots, inUse) !== undefined,
    forceRecreate: targets.forceRecreate,
  });
  return { plan, model, running };
}
