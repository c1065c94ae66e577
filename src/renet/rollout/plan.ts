import { ipVariable } from '../../core/compose/rewrite.js';

/**
 * Which services `renet compose -- up` replaces, and how (issue 12, pure): compose recreates a
 * service whose running container's `com.docker.compose.config-hash` differs from what
 * `compose config --hash` gives for the model now (v1 folds the image id into that hash; v2 keeps
 * it apart in `com.docker.compose.image`, so a re-tagged image counts too). A recreated service
 * with a route is switched (new container beside the old, then the route moves); one without keeps
 * compose's own recreate.
 */
export type ServiceAction = 'create' | 'unchanged' | 'switch' | 'recreate';

/** A running container of the project, as the repo daemon reports it. */
export interface ObservedContainer {
  id: string;
  service: string;
  configHash?: string;
  /** `com.docker.compose.image` (compose v2): the image id the container was created from. */
  imageId?: string;
  candidate: boolean;
  labels: Record<string, string>;
}

export interface PlannedService {
  service: string;
  action: ServiceAction;
  /** Why it is replaced (or why not switched), in a few words. */
  reason: string;
  /** The container that serves now (for switch and recreate). */
  old?: ObservedContainer;
}

export interface PlanInput {
  /** `compose config --hash` of every service the command brings up: service → hash. */
  hashes: Record<string, string>;
  /** The image id each service's image has now (service → id), where the image exists. */
  images: Record<string, string>;
  running: ObservedContainer[];
  /** Whether the new model's labels give the service any route. */
  routed: (service: string) => boolean;
  /**
   * Whether its running container listens where its routes lead (a worker with an auto route to
   * port 80 and no server serves nothing there: nothing to keep serving, and no port to gate on).
   */
  serving: (service: string) => boolean;
  /** Where its running container listens on every address instead of its own (proc-net-tcp.ts wildcardOnly), if it does. */
  wildcard: (service: string) => string | undefined;
  /** A free address for a candidate exists in the repo's /26. */
  slotFree: boolean;
  forceRecreate: boolean;
}

export function planServices(input: PlanInput): PlannedService[] {
  return Object.keys(input.hashes).sort().map((service): PlannedService => {
    const old = input.running.find((c) => c.service === service && !c.candidate);
    if (!old) return { service, action: 'create', reason: 'no container runs' };
    const why = replaceReason(input, service, old);
    if (!why) return { service, action: 'unchanged', reason: 'config and image unchanged', old };
    if (!input.routed(service)) return { service, action: 'recreate', reason: `${why}; no route, compose recreates it`, old };
    if (!input.serving(service)) return { service, action: 'recreate', reason: `${why}; nothing listens where its route leads, compose recreates it`, old };
    const wildcard = input.wildcard(service);
    if (wildcard) return { service, action: 'recreate', reason: `${why}; it listens on every address (${wildcard}), so a second container cannot bind beside it (bind \${${ipVariable(service)}} for zero downtime), compose recreates it`, old };
    if (!input.slotFree) return { service, action: 'recreate', reason: `${why}; no free address in the repo's /26 for a second container`, old };
    return { service, action: 'switch', reason: why, old };
  });
}

function replaceReason(input: PlanInput, service: string, old: ObservedContainer): string | undefined {
  if (input.forceRecreate) return '--force-recreate';
  if (old.configHash !== input.hashes[service]) return 'config changed';
  const image = input.images[service];
  if (old.imageId && image && old.imageId !== image) return 'image changed';
  return undefined;
}

/** What `up` was asked to do, from its arguments (after `up`): the named services and the flags that change replacing. */
export interface UpTargets {
  services: string[];
  /** Every argument but the service names, in order. */
  flags: string[];
  forceRecreate: boolean;
  /** `--no-recreate`, `--no-start`: compose replaces nothing, so neither does a rollout. */
  noReplace: boolean;
  /** `--no-deps`: named services only, not what they depend on. */
  noDeps: boolean;
}

/** Flags of `compose up` (v1 and v2) that take a separate value. */
const UP_WITH_VALUE = new Set(['-t', '--timeout', '--scale', '--exit-code-from', '--attach', '--no-attach', '--pull', '--wait-timeout']);

export function upTargets(args: string[]): UpTargets {
  const services: string[] = [];
  const flags: string[] = [];
  let forceRecreate = false;
  let noReplace = false;
  let noDeps = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) {
      services.push(a);
      continue;
    }
    flags.push(a);
    if (a === '--force-recreate') forceRecreate = true;
    else if (a === '--no-recreate' || a === '--no-start') noReplace = true;
    else if (a === '--no-deps') noDeps = true;
    else if (UP_WITH_VALUE.has(a) && i + 1 < args.length) flags.push(args[++i] as string);
  }
  return { services, flags, forceRecreate, noReplace, noDeps };
}

/**
 * The services `up` acts on: all of them when none is named; else the named ones and, without
 * `--no-deps`, everything they depend on (compose recreates a changed dependency too, so it must be
 * planned, and switched when routed). `services` is the canonical model's (depends_on as a map).
 */
export function upServices(services: Record<string, { depends_on?: unknown }>, targets: UpTargets): string[] {
  if (!targets.services.length) return Object.keys(services).sort();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (targets.noDeps) return;
    const deps = services[name]?.depends_on;
    for (const dep of Array.isArray(deps) ? deps.map(String) : Object.keys((deps ?? {}) as object)) visit(dep);
  };
  targets.services.forEach(visit);
  return [...seen].sort();
}

/**
 * With `--force-recreate`, compose would recreate the switched services once more (with the gap),
 * also as a dependency of a service it names: the command then names every other service it acts
 * on (`acted`: the named ones and their dependencies), with `--no-deps`. Without it, the switched
 * services are up to date.
 */
export function restArgs(targets: UpTargets, switched: string[], acted: string[]): string[] | undefined {
  if (!targets.forceRecreate || !switched.length) return [...targets.flags, ...targets.services];
  const rest = acted.filter((s) => !switched.includes(s));
  return rest.length ? [...targets.flags, ...(targets.noDeps ? [] : ['--no-deps']), ...rest] : undefined;
}

/**
 * What becomes of a candidate an earlier rollout left running: one never pinned never served
 * (removed); a pinned one serves and stays, unless compose recreates its service now (no route
 * any more, no room for a switch…): that container would never get the route back from the pin.
 */
export function leftoverFate(c: ObservedContainer, pinned: ReadonlySet<string>, recreated: ReadonlySet<string>): 'keep' | 'remove' | 'unpin-remove' {
  if (!pinned.has(c.id)) return 'remove';
  return recreated.has(c.service) ? 'unpin-remove' : 'keep';
}
