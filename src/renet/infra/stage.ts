import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StageHeader, StageReply } from '../../core/protocol/stage.js';
import { infraBatchDir } from './live-files.js';

/** The header line is bounded: it lists hashes and sizes, 20,000 files take about 1.7 MB. */
const MAX_HEADER = 64 * 1024 * 1024;

/**
 * `renet stage`: file contents arrive on stdin and are written, as root, into a root-only staging
 * dir, each under its sha256 once the bytes match it. This is how rdc uploads for every SSH user:
 * nothing waits in a directory a user can write, and config.env's token travels on stdin only.
 * Read as a stream, one chunk at a time (stdin pauses while a chunk is written): files of any size
 * at constant memory.
 */
export async function stageCommand(input: AsyncIterable<Buffer>): Promise<StageReply> {
  const source = input[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  const more = async (): Promise<boolean> => {
    const next = await source.next();
    if (next.done) return false;
    pending = pending.length ? Buffer.concat([pending, next.value]) : next.value;
    return true;
  };
  let newline = -1;
  while ((newline = pending.indexOf(0x0a)) < 0) {
    if (pending.length > MAX_HEADER || !(await more())) throw new Error('stage: expected a JSON header line');
  }
  const header = JSON.parse(pending.subarray(0, newline).toString('utf8')) as StageHeader;
  pending = pending.subarray(newline + 1);
  const dir = stageDir(header);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of header.files) {
    if (!/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isInteger(f.size) || f.size < 0) throw new Error('stage: bad file entry in the header');
    const tmp = join(dir, `.${f.sha256}.${process.pid}`);
    const out = await open(tmp, 'w', 0o600);
    const hash = createHash('sha256');
    let left = f.size;
    try {
      while (left > 0) {
        if (pending.length === 0 && !(await more())) break;
        const part = pending.subarray(0, Math.min(left, pending.length));
        pending = pending.subarray(part.length);
        left -= part.length;
        hash.update(part);
        await out.write(part);
      }
    } finally {
      await out.close();
    }
    if (left > 0 || hash.digest('hex') !== f.sha256) {
      rmSync(tmp, { force: true });
      throw new Error(`stage: the content of ${f.sha256} is cut short or damaged; push again`);
    }
    renameSync(tmp, join(dir, f.sha256));
  }
  if (pending.length > 0 || (await more())) throw new Error('stage: more bytes than the header announced');
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
