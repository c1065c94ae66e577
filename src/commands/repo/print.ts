import type { Command } from 'commander';
import type { Output } from '../../output/output.js';
import type { VolumeKind } from '../../repo/repo-reply.js';
import type { RepoUrl } from '../../repo/repo-urls.js';

/** The volume always says whether it is encrypted: only LUKS is. */
export function volumeLine(kind: VolumeKind | undefined | null, mounted: boolean | undefined): string {
  if (!kind) return '-';
  const what = kind === 'luks' ? 'luks (encrypted image)' : kind === 'image' ? 'image (plain loop image, NOT encrypted)' : 'directory (NOT encrypted)';
  return `${what}, ${mounted ? 'mounted' : 'not mounted'}`;
}

export function printUrls(out: Output, urls: RepoUrl[]): void {
  if (!urls.length) {
    out.result('  no routes: add rediacc.* or traefik.* labels to expose a service');
    return;
  }
  for (const u of urls) out.result(`  ${u.url}`);
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
