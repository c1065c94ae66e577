import type { Command } from 'commander';
import type { Output } from '../../output/output.js';
import type { RouteClaims, ServicePlanRow, VolumeKind } from '../../../core/protocol/repo-reply.js';
import type { RepoUrl } from '../../../core/repo/repo-urls.js';

/** The volume always says whether it is encrypted: only LUKS is. */
export function volumeLine(kind: VolumeKind | undefined | null, mounted: boolean | undefined): string {
  if (!kind) return '-';
  const what = kind === 'luks' ? 'luks (encrypted image)' : kind === 'image' ? 'image (plain loop image, NOT encrypted)' : 'directory (NOT encrypted)';
  return `${what}, ${mounted ? 'mounted' : 'not mounted'}`;
}

/** Why the volume is not LUKS when `auto` chose it: a field line only when it fell back. */
export function fallbackField(fallback: string | undefined): [string, string][] {
  return fallback ? [['why', fallback]] : [];
}

export function printUrls(out: Output, urls: RepoUrl[]): void {
  if (!urls.length) {
    out.result('  no routes: add rediacc.* or traefik.* labels to expose a service');
    return;
  }
  for (const u of urls) out.result(`  ${u.url}${u.note ? `  (${u.note})` : ''}`);
}

/** What the repo holds on the proxy, and — as warnings, with the fix — what it asked for and did not get. */
export function printClaims(out: Output, claims: RouteClaims | undefined): void {
  if (!claims) return;
  const ports = [...claims.tcp.map((p) => `tcp ${p.port}${p.requested ? ` (asked ${p.requested}, taken)` : ''}`), ...claims.udp.map((p) => `udp ${p}`)];
  if (claims.hosts.length || ports.length) out.result(`claimed: ${[...claims.hosts, ...ports].join(', ')}`);
  for (const l of claims.lost) {
    const what = l.kind === 'host' ? `host ${l.value}` : `${l.kind === 'tcp-entrypoint' ? 'TCP' : 'UDP'} entrypoint ${l.value}`;
    out.warn(`${what} is held by repo ${l.owner}, which claimed it first: router ${l.router} (container ${l.container}) is not routed; use another name or port`);
  }
  for (const s of claims.skipped) out.warn(`container ${s.container} is not routed, its labels were refused: ${s.errors.join('; ')}`);
}

/**
 * What up would do to each compose service (`--dry-run`): switch is a zero-downtime replacement,
 * recreate compose's stop-then-start. Planned from the files already on the server: when the sync
 * changes some first, the plan says so.
 */
export function printServicePlan(out: Output, rows: ServicePlanRow[] | undefined, filesToChange: number): void {
  if (!rows) return out.result('services: planned once the repo\'s daemon runs (up starts it, then creates every service)');
  out.heading(`Services${filesToChange ? ` (planned from the files now on the server: the ${filesToChange} file(s) the sync would change first are not in this plan)` : ''}:`);
  if (!rows.length) return out.result('  no compose service');
  out.table(['DIR', 'SERVICE', 'ACTION', 'WHY'], rows.map((r) => [r.dir || '.', r.service || '-', r.action, r.reason]));
}

export function printTimings(out: Output, timings: Record<string, number>, asResult: boolean): void {
  const line = `timings: ${Object.entries(timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`;
  if (asResult) out.result(line);
  else out.debug(line);
}

/** What `repo create` and a first `repo up` both decide about the new repo. */
export function withCreationOptions(cmd: Command): Command {
  return cmd
    .option('--size <size>', 'volume size when the repo is created, e.g. 10G (sparse)', '10G')
    .option('--volume <kind>', 'volume kind when the repo is created: auto, luks, image (unencrypted loop image) or directory (unencrypted)', 'auto')
    .option('--network-id <id>', 'network ID when the repo is created (2816 + 64·n; default: the lowest free one)');
}
