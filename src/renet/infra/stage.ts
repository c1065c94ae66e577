import { lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from '../../render/rendered-file.js';
import { infraBatchDir } from './live-files.js';

/** What `renet stage` reads first on stdin (one JSON line); the files' bytes follow, back to back. */
export interface StageHeader {
  rootPrefix: string;
  /** A dir of this push's own under push-infra's staging dir, or the `incoming` dir a `repo up` reply named (on the repo's volume). */
  into: { infra: string } | { incoming: string };
  files: { sha256: string; size: number }[];
}

/**
 * `renet stage`: file contents arrive on stdin and are written, as root, into a root-only staging
 * dir, each under its sha256 once the bytes match it. This is how rdc uploads for every SSH user:
 * nothing waits in a directory a user can write, and config.env's token travels on stdin only.
 */
export function stageCommand(stdin: Buffer): { staged: number } {
  const newline = stdin.indexOf(0x0a);
  if (newline < 0) throw new Error('stage: expected a JSON header line');
  const header = JSON.parse(stdin.subarray(0, newline).toString('utf8')) as StageHeader;
  const dir = stageDir(header);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let at = newline + 1;
  for (const f of header.files) {
    if (!/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isInteger(f.size) || f.size < 0) throw new Error('stage: bad file entry in the header');
    const content = stdin.subarray(at, at + f.size);
    at += f.size;
    if (content.length !== f.size || sha256(content) !== f.sha256) throw new Error(`stage: the content of ${f.sha256} is cut short or damaged; push again`);
    const tmp = join(dir, `.${f.sha256}.${process.pid}`);
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, join(dir, f.sha256));
  }
  if (at !== stdin.length) throw new Error('stage: more bytes than the header announced');
  return { staged: header.files.length };
}

/** Only the two places renet reads uploads from: the infra staging dir, or a repo's `.rediacc/incoming` on its mounted volume. */
function stageDir(header: StageHeader): string {
  if (typeof header.rootPrefix !== 'string' || !header.rootPrefix.startsWith('/')) throw new Error('stage: rootPrefix must be an absolute path');
  const into = header.into as Partial<{ infra: string; incoming: string }> | undefined;
  if (into?.infra !== undefined) return infraBatchDir(header.rootPrefix, into.infra);
  const incoming = into?.incoming;
  if (typeof incoming !== 'string' || !incoming.startsWith('/') || incoming.split('/').includes('..') || !incoming.endsWith('/.rediacc/incoming')) {
    throw new Error('stage: into must be an infra batch or a repo\'s .rediacc/incoming dir');
  }
  // The repo's mount must be there already (repo up mounted it), and be a real directory.
  const mount = lstatSync(dirname(dirname(incoming)), { throwIfNoEntry: false });
  if (!mount?.isDirectory()) throw new Error('stage: the repo\'s mount is missing (is its volume mounted?)');
  mkdirSync(dirname(incoming), { recursive: true });
  return incoming;
}
