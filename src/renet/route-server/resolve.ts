import type { Section } from './decode-labels.js';
import type { Conflict, Fragment, Obj, RouteSettings, RouteState } from './model.js';

export interface Move {
  networkId: number;
  router: string;
  from: string;
  to: string;
}

/** What resolveClaims decided, by `{fragment index}|{section}|{router}`; the fragments stay untouched. */
export interface Decisions {
  dropped: Set<string>;
  entryPoints: Map<string, string[]>;
}

export const routerKey = (index: number, section: Section, router: string) => `${index}|${section}|${router}`;

/**
 * Settles what repos compete for, in a fixed order (earliest started container first), so the
 * result is the same on every recompute: a host, a catch-all TCP entrypoint or a UDP entrypoint
 * belongs to whoever held it before (state), else to the earliest claimant. A losing catch-all TCP
 * router moves to a port of the dynamic range, remembered in the state; everything else that loses
 * is dropped and reported.
 */
export function resolveClaims(fragments: Fragment[], s: RouteSettings, prior: RouteState, liveRepos?: ReadonlySet<number>): { state: RouteState; conflicts: Conflict[]; moves: Move[]; decisions: Decisions } {
  const conflicts: Conflict[] = [];
  const moves: Move[] = [];
  const decisions: Decisions = { dropped: new Set(), entryPoints: new Map() };
  // A repo whose daemon is gone (repo down or delete, or dead past the grace period) keeps no port
  // of the dynamic range: like its hosts, they are free for others until it comes back.
  const allocations = Object.fromEntries(Object.entries(prior.allocations).filter(([key]) => !liveRepos || liveRepos.has(Number(key.split('/')[0]))));
  const state: RouteState = { hostClaims: {}, tcpOwners: {}, udpOwners: {}, allocations };
  const lose = (kind: Conflict['kind'], value: string, owner: number, f: Fragment, router: string) =>
    conflicts.push({ kind, value, owner, loser: f.container.networkId, router, container: f.container.name });

  // Hosts (HTTP Host() and TCP HostSNI() other than `*`).
  const hostOwner = owners(fragments, (f) => f.claimedHosts, prior.hostClaims);
  fragments.forEach((f, i) => {
    if (f.claimedHosts.every((h) => hostOwner.get(h) === f.container.networkId)) return;
    for (const [key, hosts] of Object.entries(f.hosts)) {
      const [section, name] = key.split('/') as [Section, string];
      const lost = hosts.find((h) => hostOwner.get(h) !== f.container.networkId);
      if (lost === undefined) continue;
      lose('host', lost, hostOwner.get(lost) as number, f, name);
      decisions.dropped.add(routerKey(i, section, name));
    }
  });
  for (const [host, owner] of hostOwner) state.hostClaims[host] = owner;

  // Catch-all TCP entrypoints; losers move to the dynamic range.
  const tcpOwner = owners(fragments, (f) => f.catchAll.tcp.entryPoints, prior.tcpOwners);
  for (const [ep, owner] of tcpOwner) state.tcpOwners[ep] = owner;
  const active = new Set<string>();
  fragments.forEach((f, i) => {
    for (const [name, router] of catchAllRouters(f, 'tcp')) {
      if (decisions.dropped.has(routerKey(i, 'tcp', name))) continue;
      const kept: string[] = [];
      for (const ep of router.entryPoints as string[]) {
        const owner = tcpOwner.get(ep) as number;
        if (owner === f.container.networkId) { kept.push(ep); continue; }
        const key = `${f.container.networkId}/${name}/${ep}`;
        const port = allocate(key, state, s, (p) => !tcpOwner.has(`tcp-${p}`), active);
        if (port === undefined) { lose('tcp-entrypoint', ep, owner, f, name); continue; }
        active.add(key);
        kept.push(`tcp-${port}`);
        moves.push({ networkId: f.container.networkId, router: name, from: ep, to: `tcp-${port}` });
      }
      decide(decisions, routerKey(i, 'tcp', name), router, kept);
    }
  });
  // Allocations of routers that are gone stay reserved for their return while their repo's daemon
  // lives, unless evicted by allocate().

  // UDP entrypoints: no dynamic range, the later claimant is dropped.
  const udpOwner = owners(fragments, (f) => f.catchAll.udp.entryPoints, prior.udpOwners);
  for (const [ep, owner] of udpOwner) state.udpOwners[ep] = owner;
  fragments.forEach((f, i) => {
    for (const [name, router] of catchAllRouters(f, 'udp')) {
      const kept = (router.entryPoints as string[]).filter((ep) => {
        if (udpOwner.get(ep) === f.container.networkId) return true;
        lose('udp-entrypoint', ep, udpOwner.get(ep) as number, f, name);
        return false;
      });
      decide(decisions, routerKey(i, 'udp', name), router, kept);
    }
  });
  return { state, conflicts, moves, decisions };
}

function decide(decisions: Decisions, key: string, router: Obj, kept: string[]): void {
  if (kept.length === 0) decisions.dropped.add(key);
  else if (kept.join() !== (router.entryPoints as string[]).join()) decisions.entryPoints.set(key, kept);
}

/** For each claimed value: the prior holder if it still claims it, else the first claimant in order. */
function owners(fragments: Fragment[], claims: (f: Fragment) => string[], prior: Record<string, number>): Map<string, number> {
  const result = new Map<string, number>();
  const held = new Set<string>();
  for (const f of fragments) {
    for (const value of claims(f)) {
      if (held.has(value)) continue;
      // Own keys only: a host named `constructor` has no prior holder (Object.prototype's is no repo).
      const previous = Object.hasOwn(prior, value) ? prior[value] : undefined;
      if (previous === f.container.networkId) held.add(value);
      if (!result.has(value) || previous === f.container.networkId) result.set(value, f.container.networkId);
    }
  }
  return result;
}

/** A dynamic-range port for `key`: its earlier one if still free, else the lowest free, else evict an idle reservation. */
function allocate(key: string, state: RouteState, s: RouteSettings, free: (p: number) => boolean, active: Set<string>): number | undefined {
  const taken = (p: number) => Object.entries(state.allocations).some(([k, v]) => v === p && k !== key);
  const previous = state.allocations[key];
  if (previous !== undefined && free(previous) && !taken(previous)) return previous;
  for (let p = s.dynamicTcpRange.first; p <= s.dynamicTcpRange.last; p++) {
    if (free(p) && !taken(p)) return (state.allocations[key] = p);
  }
  const idle = Object.entries(state.allocations).find(([k, p]) => !active.has(k) && k !== key && free(p));
  if (!idle) return undefined;
  delete state.allocations[idle[0]];
  return (state.allocations[key] = idle[1]);
}

function catchAllRouters(f: Fragment, section: 'tcp' | 'udp'): [string, Obj][] {
  return f.catchAll[section].routers.map((name) => [name, f.config[section].routers[name] as Obj]);
}
