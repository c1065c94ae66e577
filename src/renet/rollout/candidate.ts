import { MAX_SERVICES, serviceIp } from '../../core/infra/network.js';
import { CANDIDATE_INFIX, CANDIDATE_LABEL, CANDIDATE_VALUE } from '../../core/repo/rollout-pins.js';
import type { Slots } from '../../core/compose/rewrite.js';

type Obj = Record<string, unknown>;

/**
 * The candidate: the new version of a routed service, started beside the old container (pure
 * parts). It lives at a transient address of the repo's /26 — a slot `.rediacc.json` does not
 * give, never recorded — under its own compose service name in the SAME project (so it shares the
 * project's named volumes), and never with `depends_on`, a `container_name` (the old one holds it) or replicas.
 */

/** The highest slot no service holds and no running container uses: new services take the lowest, so the two rarely meet. */
export function candidateAddress(networkId: number, slots: Slots, inUse: Iterable<string>): string | undefined {
  const given = new Set(Object.values(slots.services).map((s) => s.slot));
  const busy = new Set(inUse);
  for (let slot = MAX_SERVICES - 1; slot >= 0; slot--) {
    const ip = serviceIp(networkId, slot);
    if (!given.has(slot) && !busy.has(ip)) return ip;
  }
  return undefined;
}

/**
 * Compose's name for a candidate's service, distinct per address (the last octet is unique in the
 * repo's /26): a candidate still serving from an earlier failed rollout is never the one compose
 * recreates for the next.
 */
export function candidateServiceName(service: string, ip: string): string {
  return `${service}${CANDIDATE_INFIX}${ip.slice(ip.lastIndexOf('.') + 1)}`;
}

/**
 * The model the candidate starts from: the model as compose canonicalized it with `{SERVICE}_IP`
 * set to the candidate's address, plus the service under its candidate name. The other services
 * stay (a `service:` reference must resolve) but are never started: `up --no-deps` names only
 * the candidate.
 */
export function candidateModel(model: Obj, service: string, ip: string): Obj {
  const services = (model.services ?? {}) as Obj;
  const source = services[service];
  if (!source || typeof source !== 'object') throw new Error(`the model has no service ${service}`);
  const candidate: Obj = { ...(source as Obj) };
  delete candidate.container_name;
  delete candidate.depends_on;
  // One candidate container: the rollout gates, pins and removes one (more would be left running at its address).
  delete candidate.scale;
  if (candidate.deploy && typeof candidate.deploy === 'object') candidate.deploy = { ...(candidate.deploy as Obj), replicas: 1 };
  candidate.labels = {
    ...((candidate.labels ?? {}) as Record<string, string>),
    'rediacc.service_name': service,
    'rediacc.service_ip': ip,
    [CANDIDATE_LABEL]: CANDIDATE_VALUE,
  };
  return { ...model, services: { ...services, [candidateServiceName(service, ip)]: candidate } };
}

/**
 * The compose arguments a rollout runs (after `-p … --project-directory … -f …`), the same for
 * compose v2 and v1 (1.29): `up -d --no-deps SERVICE` starts exactly one service without its
 * dependencies; `config --hash=*` prints `SERVICE HASH` per line.
 */
export const ROLLOUT_ARGS = {
  startOne: (service: string): string[] => ['up', '-d', '--no-deps', service],
  hashes: (): string[] => ['config', '--hash=*'],
};

/** `compose config --hash=*` output → service → hash. */
export function parseHashes(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+([0-9a-f]{64})\s*$/.exec(line.trim());
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}
