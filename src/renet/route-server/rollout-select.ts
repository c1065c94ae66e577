import { isCandidateLabels, type RepoPins } from '../../core/repo/rollout-pins.js';
import { LABELS } from './labels.js';
import type { ContainerInfo } from './model.js';
import type { Rollout } from '../../core/protocol/route-server.js';

/** Each repo's pins file, by network ID (absent: no pin in that repo). */
export type PinTable = ReadonlyMap<number, RepoPins>;

/** A service with more than one running container (a rollout in progress): which one Traefik gets (/health lists them). */

function isCandidate(c: ContainerInfo): boolean {
  return isCandidateLabels(c.labels);
}

/**
 * The rollout rule (issue 12), pure: per (repo, service), a pin naming a running container publishes
 * only that container's routes; without one, a candidate (`rediacc.rollout=candidate`) is held back
 * while a container of the service that is not a candidate runs. A service with one container, or
 * containers renet compose did not label, are untouched. Returns the ids held back.
 */
export function selectPublished(containers: readonly ContainerInfo[], pins: PinTable): { held: Set<string>; rollouts: Rollout[] } {
  const groups = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const service = c.labels[LABELS.serviceName];
    if (!service) continue;
    const key = `${c.networkId}\0${service}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  const held = new Set<string>();
  const rollouts: Rollout[] = [];
  for (const group of groups.values()) {
    const first = group[0] as ContainerInfo;
    const service = first.labels[LABELS.serviceName] as string;
    const pin = pins.get(first.networkId)?.services[service];
    // Full ids are written; a short one (12+ hex digits, as `docker ps` shows) names the same container.
    const pinned = pin === undefined ? undefined : group.find((c) => c.id === pin || c.id.startsWith(pin));
    let keep: ContainerInfo[];
    if (pinned) keep = [pinned];
    else if (group.some(isCandidate) && !group.every(isCandidate)) keep = group.filter((c) => !isCandidate(c));
    else continue;
    if (keep.length === group.length) continue;
    for (const c of group) if (!keep.includes(c)) held.add(c.id);
    const names = (list: ContainerInfo[]) => list.map((c) => c.name).sort();
    rollouts.push({ networkId: first.networkId, service, published: names(keep), held: names(group.filter((c) => !keep.includes(c))), by: pinned ? 'pin' : 'candidate-rule' });
  }
  rollouts.sort((a, b) => a.networkId - b.networkId || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  return { held, rollouts };
}
