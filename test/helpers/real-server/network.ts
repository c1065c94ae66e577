import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, runQuiet } from './run.js';

/** One host's network: namespace `rdctN`, veth `vh-rdctN` here ↔ `host0` there, 10.213.N.0/24. */
export interface HostNet {
  n: number;
  netns: string;
  veth: string;
  /** The host's address (the server). */
  address: string;
  /** This side's address, the only one the host can reach (its default gateway). */
  gateway: string;
}

/** Who holds each N, so a test process that died leaves nothing a later one cannot reclaim. */
const CLAIMS = '/run/rdc-test/hosts';

export function hostNet(n: number): HostNet {
  return { n, netns: `rdct${n}`, veth: `vh-rdct${n}`, address: `10.213.${n}.2`, gateway: `10.213.${n}.1` };
}

/**
 * Claims a free N and wires its namespace. `ip netns add` creates the namespace file exclusively,
 * so two test files never get the same N; a claim whose owner process is gone is cleaned first.
 */
export async function claimNet(describe: (net: HostNet) => Record<string, unknown>): Promise<HostNet> {
  mkdirSync(CLAIMS, { recursive: true });
  const start = 1 + Math.floor(Math.random() * 250);
  for (let i = 0; i < 250; i++) {
    const net = hostNet(((start + i) % 250) + 1);
    reclaimIfOrphaned(net);
    if (!runQuiet('ip', ['netns', 'add', net.netns])) continue;
    writeFileSync(claimFile(net), JSON.stringify({ owner: process.pid, ...describe(net) }));
    try {
      const inNs = (...args: string[]) => run('ip', ['netns', 'exec', net.netns, 'ip', ...args]);
      // N is ours now: a veth of that name is a leftover of a run killed before it could clean up.
      runQuiet('ip', ['link', 'del', net.veth]);
      await run('ip', ['link', 'add', net.veth, 'type', 'veth', 'peer', 'name', 'host0', 'netns', net.netns]);
      keepInside(net);
      await run('ip', ['addr', 'add', `${net.gateway}/24`, 'dev', net.veth]);
      await run('ip', ['link', 'set', net.veth, 'up']);
      await inNs('addr', 'add', `${net.address}/24`, 'dev', 'host0');
      await inNs('link', 'set', 'host0', 'up');
      await inNs('link', 'set', 'lo', 'up');
      // A default route, as every server has: its source address is the server's primary address.
      await inNs('route', 'add', 'default', 'via', net.gateway);
      return net;
    } catch (err) {
      releaseNet(net);
      throw err;
    }
  }
  throw new Error('no free 10.213.N.0/24 for a test host (rdct1..rdct250 all taken): see `ip netns list`');
}

/**
 * The host's default route points here, and this machine forwards packets (docker turns
 * ip_forward on): without these, a packet from a host to any other address would leave through
 * this machine. Forwarding is off for what arrives on the veth, and a FORWARD rule drops it too
 * (ip_forward written later would turn the first back on). Nothing is sent by an `ip route get`.
 */
function keepInside(net: HostNet): void {
  for (const family of ['ipv4', 'ipv6']) {
    const knob = `/proc/sys/net/${family}/conf/${net.veth}/forwarding`;
    if (existsSync(knob)) writeFileSync(knob, '0');
  }
  if (!runQuiet('iptables', ['-w', '-C', 'FORWARD', '-i', 'vh-rdct+', '-j', 'DROP'])) runQuiet('iptables', ['-w', '-I', 'FORWARD', '-i', 'vh-rdct+', '-j', 'DROP']);
}

export function updateClaim(net: HostNet, fields: Record<string, unknown>): void {
  const current = JSON.parse(readFileSync(claimFile(net), 'utf8')) as Record<string, unknown>;
  writeFileSync(claimFile(net), JSON.stringify({ ...current, ...fields }));
}

/** Synchronous: also used by the process 'exit' safety net. */
export function releaseNet(net: HostNet): void {
  runQuiet('ip', ['link', 'del', net.veth]);
  runQuiet('ip', ['netns', 'del', net.netns]);
  rmSync(claimFile(net), { force: true });
}

function claimFile(net: HostNet): string {
  return join(CLAIMS, `${net.netns}.json`);
}

/** A claim left by a test process that no longer runs: its host is stopped and its disk removed. */
function reclaimIfOrphaned(net: HostNet): void {
  if (!existsSync(claimFile(net))) return;
  let claim: { owner?: number; init?: number; dir?: string };
  try {
    claim = JSON.parse(readFileSync(claimFile(net), 'utf8')) as typeof claim;
  } catch {
    return;
  }
  if (claim.owner && alive(claim.owner)) return;
  if (claim.init && alive(claim.init)) runQuiet('kill', ['-KILL', String(claim.init)]);
  releaseNet(net);
  if (claim.dir?.startsWith('/var/tmp/rdc-test-hosts/')) rmSync(claim.dir, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}
