import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The rdc package directory, found by walking up from this module: the same code runs from the
 * tsc output (dist/src/rdc/util/) and from the bundle (dist/bundle/), so no fixed `../..` works for both.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the rdc package directory (package.json next to templates/)');
    dir = parent;
  }
  root = dir;
  return dir;
}
