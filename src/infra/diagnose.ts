import type { AcmeState } from './certificates.js';

/** What `renet machine status` reports (the parts the diagnosis reads). */
export interface MachineStatus {
  traefik: { running: boolean; container: string | null; image: string | null };
  router: { supervisedBy: string | null; httpStatus: number; health: RouterHealth | null };
  certResolver: string | null;
  /** Certificates and ACME errors (absent from an older renet). */
  acme?: AcmeState;
  baseDomain: string | null;
  backends: { service: string; backend: string; accepts: boolean }[];
}

export interface RouterHealth {
  status: string;
  routers: number;
  services: number;
  autoRoutes: number;
  daemons: { networkId: number; ok: boolean; containers: number; error: string | null }[];
  conflicts: { kind: string; value: string; owner: number; loser: number; router: string; container: string }[];
  errors: { networkId: number; container: string; errors: string[] }[];
}

/**
 * Names the likely cause of what users hit (seed 002, "Problèmes courants"), from a status report.
 * Pure: each finding says what is wrong and what to do.
 */
export function diagnose(s: MachineStatus, machine: string): string[] {
  const found: string[] = [];
  if (!s.traefik.running) found.push(`Traefik is not running: nothing is served. Run rdc context push-infra ${machine} (it starts the proxy), or look at its container's logs.`);
  if (s.router.httpStatus === 0) found.push(`The route server does not answer: Traefik keeps its last routes but learns no new ones. Run rdc context push-infra ${machine}.`);
  else if (s.router.httpStatus === 503) found.push('The route server is still discovering containers (503); try again in a moment.');
  const h = s.router.health;
  for (const d of h?.daemons ?? []) if (!d.ok) found.push(`The Docker daemon of repo ${d.networkId} is down (${d.error ?? 'no answer'}); its last routes are kept for a while. Start the repo again.`);
  for (const c of h?.conflicts ?? []) found.push(`${c.kind === 'host' ? `Host ${c.value}` : `Entrypoint ${c.value}`} is claimed by repo ${c.owner} and repo ${c.loser}; ${c.container}'s router ${c.router} is not routed. Use another name in one of them.`);
  for (const e of h?.errors ?? []) found.push(`Container ${e.container} (repo ${e.networkId}) has bad labels and is not routed: ${e.errors.join('; ')}`);
  for (const b of s.backends) {
    if (!b.accepts) found.push(`Service ${b.service} → ${b.backend} refuses connections: requests get 502 Bad Gateway. Make the app listen on its {SERVICE}_IP and the port its labels declare.`);
  }
  if (!s.certResolver) found.push('No certificate resolver: routes are plain HTTP (websecure ones get a self-signed certificate). Set --cert-email with rdc context set-infra, then push-infra.');
  return found;
}
