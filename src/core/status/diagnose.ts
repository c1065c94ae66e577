import type { MachineStatusReply } from '../protocol/machine.js';
import type { RouterHealth } from '../protocol/route-server.js';

/** What `renet machine status` reports (the parts the diagnosis reads; the protocol's one check). */
export type MachineStatus = MachineStatusReply;

/**
 * Names the likely cause of what users hit (seed 002, "Problèmes courants"), from a status report.
 * Pure: each finding says what is wrong and what to do.
 */
export function diagnose(s: MachineStatus, machine: string, repoNames: Record<number, string> = {}): string[] {
  const found: string[] = [];
  if (!s.traefik.running) found.push(`Traefik is not running: nothing is served. Run rdc context push-infra ${machine} (it starts the proxy), or look at its container's logs.`);
  if (s.router.httpStatus === 0) found.push(`The route server does not answer: Traefik keeps its last routes but learns no new ones. Run rdc context push-infra ${machine}.`);
  else if (s.router.httpStatus === 503) found.push('The route server is still discovering containers (503); try again in a moment.');
  const h = s.router.health;
  if (s.traefik.running && h?.proxy?.cause) {
    const logged = s.traefik.fileErrors?.length ? ` Traefik logged: ${s.traefik.fileErrors.at(-1)}` : '';
    found.push(`Traefik is not serving what the route server published: ${h.proxy.cause}.${logged} New routes on this machine are not live until this is fixed; the route server log names a container whose labels it skipped, if any.`);
  }
  found.push(...repoFindings(s, machine));
  for (const c of h?.conflicts ?? []) found.push(`${c.kind === 'host' ? `Host ${c.value}` : `Entrypoint ${c.value}`} is claimed by repo ${c.owner} and repo ${c.loser}; ${c.container}'s router ${c.router} is not routed. Use another name in one of them.`);
  for (const e of h?.errors ?? []) found.push(`Container ${e.container} (repo ${e.networkId}) has bad labels and is not routed: ${e.errors.join('; ')}`);
  for (const r of s.repos ?? []) {
    const finding = r.ok ? stoppedServices(repoNames[r.networkId], r.networkId, r.stopped, r.declared) : undefined;
    if (finding) found.push(finding);
  }
  for (const u of h?.unhealthy ?? []) found.push(unhealthyFinding(u, repoNames));
  for (const b of s.backends) {
    const app = b.container !== undefined && b.networkId !== undefined ? `container ${b.container} of repo ${repoNames[b.networkId] ?? b.networkId}` : 'the app';
    if (!b.accepts) found.push(`Service ${b.service} → ${b.backend} refuses connections: requests get 502 Bad Gateway. Make ${app} listen on its {SERVICE}_IP and the port its labels declare.`);
  }
  if (!s.certResolver) found.push('No certificate resolver: routes are plain HTTP (websecure ones get a self-signed certificate). Set --cert-email with rdc context set-infra, then push-infra.');
  return found;
}

/** A backend out of rotation: whose it is, what fails, what clients get, where to look. */
function unhealthyFinding(u: NonNullable<RouterHealth['unhealthy']>[number], repoNames: Record<number, string>): string {
  const repo = u.networkId === null ? '' : ` of repo ${repoNames[u.networkId] ?? u.networkId}${repoNames[u.networkId] ? ` (network ${u.networkId})` : ''}`;
  const who = u.service ? `Service ${u.service}${repo}` : `Traefik service ${u.traefikService}`;
  const logs = u.networkId !== null && repoNames[u.networkId] && u.service ? `rdc repo logs ${repoNames[u.networkId]} ${u.service}` : 'its container\'s logs';
  return `${who} → ${u.address}${u.container ? ` (container ${u.container})` : ''}: health check failing (${u.check}); Traefik took it out of rotation, so its routes answer 503 until it passes again. See ${logs}.`;
}

/**
 * A repo runs fewer containers than it declares: which services, in Docker's words, and the fix.
 * Shared by `rdc machine status` and `rdc repo status` (pure).
 */
export function stoppedServices(repo: string | undefined, networkId: number, stopped: { service: string; status: string }[], declared: number): string | undefined {
  if (!stopped.length) return undefined;
  const name = repo ?? 'NAME';
  const list = stopped.map((c) => `${c.service} (${c.status})`).join(', ');
  return `Repo ${repo ?? `of network ${networkId}`} runs ${declared - stopped.length} of its ${declared} containers; not running: ${list}. `
    + `Start them again with rdc repo up ${name}; rdc repo logs ${name} SERVICE shows why they stopped.`;
}

/**
 * Repos that serve nothing: locked (encrypted, closed since a reboot), not mounted, or a daemon
 * that is down — since when, why, and whether the route server already dropped its routes.
 */
function repoFindings(s: MachineStatus, machine: string): string[] {
  const found: string[] = [];
  const repos = s.repoVolumes ?? [];
  const label = (id: number) => {
    const r = repos.find((x) => x.networkId === id);
    return r ? `repo ${r.name} (network ${id})` : `repo ${id}`;
  };
  const fix = (id: number, mount: boolean) => {
    const r = repos.find((x) => x.networkId === id);
    return r ? `rdc repo up ${r.name}${mount ? ' --mount' : ''} -m ${machine}` : `rdc repo up NAME -m ${machine}`;
  };
  for (const r of repos) {
    if (r.state === 'locked') {
      found.push(`Repo ${r.name} (network ${r.networkId}) is locked: its encrypted volume is closed (the credential never stays on the server, so a reboot locks it) and it serves nothing. Run ${fix(r.networkId, true)}, or rdc repo up --all -m ${machine} for every repo.`);
    } else if (r.state === 'unmounted') {
      found.push(`Repo ${r.name} (network ${r.networkId}) is not mounted (${r.volume} volume) and serves nothing. Run ${fix(r.networkId, true)}, or rdc repo up --all -m ${machine}.`);
    }
  }
  const watched = new Set<number>();
  for (const d of s.router.health?.daemons ?? []) {
    watched.add(d.networkId);
    if (d.ok) continue;
    const since = d.downSince ? ` since ${d.downSince}` : '';
    const routes = d.containers === 0 ? 'its routes were dropped after the grace period (nothing of it is served)' : `the last routes of its ${d.containers} container(s) are kept until the grace period ends`;
    found.push(`The Docker daemon of ${label(d.networkId)} is down${since} (${d.error ?? 'no answer'}): ${routes}. Run ${fix(d.networkId, false)}.`);
  }
  for (const r of repos) {
    if (r.state === 'down' && !watched.has(r.networkId)) found.push(`Repo ${r.name} (network ${r.networkId}) is mounted but its Docker daemon is not running: it has no routes. Run ${fix(r.networkId, false)}.`);
  }
  return found;
}
