import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../core/render/rendered-file.js';
import { packageRoot } from '../util/package-root.js';

let bundle: Promise<{ content: Buffer; sha256: string }> | undefined;

/**
 * The renet build this rdc ships (dist/renet/renet.cjs) and the sha256 of its bytes, which the
 * server's copy must match. Read and hashed once per process: one command asks renet several times.
 */
export function localRenet(): Promise<{ content: Buffer; sha256: string }> {
  bundle ??= readFile(join(packageRoot(), 'dist/renet/renet.cjs')).then((content) => ({ content, sha256: sha256(content) }));
  return bundle;
}
