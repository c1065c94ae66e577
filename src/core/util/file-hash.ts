import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const CHUNK = 1 << 20;

/**
 * The sha256 of a file's bytes, read in chunks: memory stays constant whatever the size (a file
 * read whole cannot exceed 2 GiB in Node, and a 1.9 GB one would take 1.9 GB of memory).
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: CHUNK }), hash);
  return hash.digest('hex');
}

let shared: Buffer | undefined;

/** The same, synchronously (renet's sync planning is synchronous): one reused 1 MiB buffer. */
export function hashFileSync(path: string): string {
  const hash = createHash('sha256');
  const buf = (shared ??= Buffer.allocUnsafe(CHUNK));
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
