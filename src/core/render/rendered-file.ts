import { createHash } from 'node:crypto';

/** One file of the tree push-infra puts on a server: a path relative to the root prefix. */
export interface RenderedFile {
  path: string;
  content: string;
  mode: number;
}

/** Of a file's bytes: a string is hashed as its UTF-8 bytes, as it is written to disk. */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function byPath(a: RenderedFile, b: RenderedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
