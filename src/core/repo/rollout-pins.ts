/**
 * The route server's pins (issue 12): for a service in rollout, the one container whose routes are
 * published. renet writes `SERVER_PATHS.routerPins/{networkId}.json` atomically (root-only, so a container
 * on host networking cannot move a route, unlike a loopback API); the route server watches the
 * directory. A pin to a container that no longer runs is ignored. With no pin and two containers of
 * one service (a rollout in progress), the route server keeps the one that is not a candidate.
 */
/** Label a rollout's new container carries until it is the service's only container. */
export const CANDIDATE_LABEL = 'rediacc.rollout';
export const CANDIDATE_VALUE = 'candidate';

/** A rollout's new container: renet's label, which a compose file may not set (the rewrite refuses it). */
export function isCandidateLabels(labels: Record<string, string>): boolean {
  return labels[CANDIDATE_LABEL] === CANDIDATE_VALUE;
}

/**
 * A candidate's compose service is `{service}--candidate-{last octet}` (rollout/candidate.ts). A user's
 * service named that way would be overwritten in the candidate's model and removed as a leftover, so
 * such names are refused (compose/rewrite.ts), like a user's own `rediacc.rollout` label.
 */
export const CANDIDATE_INFIX = '--candidate-';

export function isCandidateServiceName(name: string): boolean {
  return new RegExp(`${CANDIDATE_INFIX}[0-9]+$`, 'i').test(name);
}

export interface RepoPins {
  /** service name → the container id (full) whose routes are published. */
  services: Record<string, string>;
}

export function pinsFileName(networkId: number): string {
  return `${networkId}.json`;
}

/** Parses a pins file; anything malformed is no pin at all (the route server then picks by its own rule). */
export function parsePins(text: string): RepoPins {
  try {
    const raw = JSON.parse(text) as { services?: unknown };
    const out: RepoPins = { services: {} };
    if (raw && typeof raw.services === 'object' && raw.services !== null && !Array.isArray(raw.services)) {
      for (const [service, id] of Object.entries(raw.services)) if (typeof id === 'string' && /^[0-9a-f]{12,64}$/.test(id)) out.services[service] = id;
    }
    return out;
  } catch {
    return { services: {} };
  }
}

export function serializePins(pins: RepoPins): string {
  const services = Object.fromEntries(Object.entries(pins.services).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify({ services }, null, 2)}\n`;
}
