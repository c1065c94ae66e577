import { MAX_SERVICES, serviceIp } from '../infra/network.js';
import { parseHealthLabels } from './health-labels.js';
import { CANDIDATE_LABEL, isCandidateServiceName } from '../repo/rollout-pins.js';

type Obj = Record<string, unknown>;

/** `.rediacc.json`: each service's slot, kept forever once given (SYSTEM.md §4). */
export interface Slots {
  services: Record<string, { slot: number }>;
}

export interface RewriteResult {
  /** The compose model to run: every service on host networking, labelled, ports dropped. */
  model: Obj;
  /** `{SERVICE}_IP` for every service, exported to compose for `${…}` interpolation. */
  env: Record<string, string>;
  slots: Slots;
  errors: string[];
  warnings: string[];
}

/** What a compose service may be called here: it becomes a label value and a `{SERVICE}_IP` name. */
export function isServiceName(name: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/.test(name);
}

/** `my-db.primary` → `MY_DB_PRIMARY_IP`. */
export function ipVariable(service: string): string {
  return `${service.toUpperCase().replace(/[-.]/g, '_')}_IP`;
}

/**
 * renet compose's rewrite of a compose model (pure). Slots are never renumbered: a new service gets
 * the lowest free one, and a 62nd service is refused. What a service may do is the policy's
 * (policy.ts), checked on the canonical model before and after this rewrite.
 */
export function rewriteCompose(model: Obj, networkId: number, previous: Slots): RewriteResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const services = model.services;
  if (!services || typeof services !== 'object' || Array.isArray(services) || Object.keys(services).length === 0) {
    return { model, env: {}, slots: previous, errors: ['the compose file defines no services'], warnings };
  }
  const slots: Slots = { services: { ...previous.services } };
  const taken = new Set(Object.values(slots.services).map((s) => s.slot));
  const out: Obj = {};
  const env: Record<string, string> = {};
  for (const name of Object.keys(services).sort()) {
    if (!isServiceName(name)) {
      errors.push(`service ${JSON.stringify(name)}: a service name may use letters, digits, '.', '_' and '-'`);
      continue;
    }
    if (isCandidateServiceName(name)) {
      errors.push(`service ${name}: names ending in --candidate-NUMBER are renet's, for the new container of a zero-downtime rollout; rename the service`);
      continue;
    }
    if (!slots.services[name]) {
      let slot = 0;
      while (taken.has(slot)) slot++;
      if (slot >= MAX_SERVICES) {
        errors.push(`service ${name}: a repo holds at most ${MAX_SERVICES} services (its /26 has ${MAX_SERVICES} addresses); split the app into two repos`);
        continue;
      }
      taken.add(slot);
      slots.services[name] = { slot };
    }
    env[ipVariable(name)] = serviceIp(networkId, (slots.services[name] as { slot: number }).slot);
  }
  for (const [name, raw] of Object.entries(services as Record<string, unknown>)) {
    const service: Obj = raw && typeof raw === 'object' ? { ...(raw as Obj) } : {};
    // Only renet marks a rollout's candidate: a service marked so would be held back from routing and removed as a leftover.
    const labels = labelsOf(service.labels);
    if (labels[CANDIDATE_LABEL] !== undefined) errors.push(`service ${name}: the label ${CANDIDATE_LABEL} is set by renet during a zero-downtime rollout; remove it from the compose file`);
    // Checked here, for every service: a bad one would otherwise leave the service unrouted (the route server refuses it) yet started.
    for (const e of parseHealthLabels(labels).errors) errors.push(`service ${name}: ${e}`);
    if (service.ports !== undefined) {
      warnings.push(`service ${name}: ports are ignored with host networking; the service listens on ${env[ipVariable(name)] ?? 'its IP'} directly (forward TCP with rediacc.tcp_ports)`);
      delete service.ports;
    }
    delete service.networks;
    if (service.blkio_config !== undefined) service.blkio_config = blkioKeys(service.blkio_config);
    service.network_mode = 'host';
    service.labels = { ...labels, 'rediacc.service_name': name, 'rediacc.service_ip': env[ipVariable(name)] ?? '', 'rediacc.network_id': String(networkId) };
    out[name] = service;
  }
  const rewritten: Obj = { ...model, services: out };
  // Compose would create a bridge network for these; repos have none.
  delete rewritten.networks;
  return { model: rewritten, env, slots, errors, warnings };
}

/**
 * `docker compose config --format json` writes blkio device entries with Go's field names
 * (`{"Path": …, "Rate": …}`), which compose's own schema then refuses when the written model is
 * read back: the entries' keys lower-cased, as the compose file spells them.
 */
function blkioKeys(blkio: unknown): unknown {
  if (!blkio || typeof blkio !== 'object' || Array.isArray(blkio)) return blkio;
  return Object.fromEntries(Object.entries(blkio as Obj).map(([k, v]) => [k, Array.isArray(v)
    ? v.map((d) => (d && typeof d === 'object' && !Array.isArray(d) ? Object.fromEntries(Object.entries(d as Obj).map(([dk, dv]) => [dk.toLowerCase(), dv])) : d))
    : v]));
}

function labelsOf(labels: unknown): Record<string, string> {
  if (Array.isArray(labels)) {
    return Object.fromEntries(labels.map(String).map((l) => {
      const at = l.indexOf('=');
      return at < 0 ? [l, ''] : [l.slice(0, at), l.slice(at + 1)];
    }));
  }
  return labels && typeof labels === 'object' ? Object.fromEntries(Object.entries(labels as Obj).map(([k, v]) => [k, String(v)])) : {};
}
