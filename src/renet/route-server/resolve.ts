import { checkRule } from '../../traefik/rule.js';
import type { Section } from './decode-labels.js';
import type { Conflict, Fragment, Obj, RouteSettings, RouteState } from './model.js';

/**
 * Settles what repos compete for, in a fixed order (earliest started container first), so the
 * result is the same on every recompute: a host, a catch-all TCP entrypoint or a UDP entrypoint
 * belongs to whoever held it before (state), else to the earliest claimant. A losing catch-all TCP
 * router moves to a port of the dynamic range, remembered in the state; everything else that loses
 * is dropped and reported. Fragments are modified in place.
 */
export interface Move {
  networkId: number;
  router: string;
  from: string;
  to: string;
}

export function resolveClaims(fragments: Fragment[], s: RouteSettings, prior: RouteState): { state: RouteState; conflicts: Conflict[]; moves: Move[] } {
  const conflicts: Conflict[] = [];
  const moves: Move[] = [];
  const state: RouteState = { hostClaims: {}, tcpOwners: {}, udpOwners: {}, allocations: { ...prior.allocations } };

  // Hosts (HTTP Host() and TCP HostSNI() other than `*`).
  const hostOwner = owners(fragments, (f) => hostsOf(f), prior.hostClaims);
  for (const f of fragments) {
    for (const section of ['http', 'tcp'] as const) {
      for (const [name, router] of Object.entries(f.config[section].routers)) {
        for (const host of routerHosts(section, router)) {
          const owner = hostOwner.get(host) as number;
          if (owner !== f.container.networkId) {
            conflicts.push({ kind: 'host', value: host, owner, loser: f.container.networkId, router: name, container: f.container.name });
            delete f.config[section].routers[name];
            break;
          }
        }
      }
    }
  }
  for (const [host, owner] of hostOwner) state.hostClaims[host] = owner;

  // Catch-all TCP entrypoints; losers move to the dynamic range.
  const tcpOwner = owners(fragments, (f) => catchAllEntryPoints(f, 'tcp'), prior.tcpOwners);
  for (const [ep, owner] of tcpOwner) state.tcpOwners[ep] = owner;
  const active = new Set<string>();
  for (const f of fragments) {
    for (const [name, router] of catchAllRouters(f, 'tcp')) {
      const eps = router.entryPoints as string[];
      const moved: string[] = [];
      for (const ep of eps) {
        const owner = tcpOwner.get(ep);
        if (owner === f.container.networkId) { moved.push(ep); continue; }
        const key = `${f.container.networkId}/${name}/${ep}`;
        const port = allocate(key, state, s, (p) => !tcpOwner.has(`tcp-${p}`), active);
        if (port === undefined) {
          conflicts.push({ kind: 'tcp-entrypoint', value: ep, owner: owner as number, loser: f.container.networkId, router: name, container: f.container.name });
        } else {
          active.add(key);
          moved.push(`tcp-${port}`);
          moves.push({ networkId: f.container.networkId, router: name, from: ep, to: `tcp-${port}` });
        }
      }
      if (moved.length) router.entryPoints = moved;
      else delete f.config.tcp.routers[name];
    }
  }
  // Allocations of routers that are gone stay reserved for their return, unless evicted by allocate().

  // UDP entrypoints: no dynamic range, the later claimant is dropped.
  const udpOwner = owners(fragments, (f) => catchAllEntryPoints(f, 'udp'), prior.udpOwners);
  for (const [ep, owner] of udpOwner) state.udpOwners[ep] = owner;
  for (const f of fragments) {
    for (const [name, router] of catchAllRouters(f, 'udp')) {
      const lost = (router.entryPoints as string[]).filter((ep) => udpOwner.get(ep) !== f.container.networkId);
      for (const ep of lost) conflicts.push({ kind: 'udp-entrypoint', value: ep, owner: udpOwner.get(ep) as number, loser: f.container.networkId, router: name, container: f.container.name });
      const kept = (router.entryPoints as string[]).filter((ep) => !lost.includes(ep));
      if (kept.length) router.entryPoints = kept;
      else delete f.config.udp.routers[name];
    }
  }
  return { state, conflicts, moves };
}

/** For each claimed value: the prior holder if it still claims it, else the first claimant in order. */
function owners(fragments: Fragment[], claims: (f: Fragment) => string[], prior: Record<string, number>): Map<string, number> {
  const claimants = new Map<string, number[]>();
  for (const f of fragments) for (const value of claims(f)) claimants.set(value, [...(claimants.get(value) ?? []), f.container.networkId]);
  const result = new Map<string, number>();
  for (const [value, ids] of claimants) {
    const held = prior[value];
    result.set(value, held !== undefined && ids.includes(held) ? held : (ids[0] as number));
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

function hostsOf(f: Fragment): string[] {
  const hosts = new Set<string>();
  for (const section of ['http', 'tcp'] as const) for (const r of Object.values(f.config[section].routers)) for (const h of routerHosts(section, r)) hosts.add(h);
  return [...hosts];
}

function routerHosts(section: 'http' | 'tcp', router: Obj): string[] {
  return typeof router.rule === 'string' ? checkRule(router.rule, section).hosts : [];
}

/** Routers that take a whole entrypoint: every UDP router, and TCP routers matching HostSNI(`*`). */
function catchAllRouters(f: Fragment, section: Section): [string, Obj][] {
  return Object.entries(f.config[section].routers).filter(([, r]) => section === 'udp' || (typeof r.rule === 'string' && checkRule(r.rule, 'tcp').hosts.length === 0));
}

function catchAllEntryPoints(f: Fragment, section: Section): string[] {
  return [...new Set(catchAllRouters(f, section).flatMap(([, r]) => (r.entryPoints as string[]) ?? []))];
}
