import { createHash } from 'node:crypto';

/** One file of the tree push-infra puts on a server: a path relative to the root prefix. */
export interface RenderedFile {
  path: string;
  content: string;
  mode: number;
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function byPath(a: RenderedFile, b: RenderedFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
