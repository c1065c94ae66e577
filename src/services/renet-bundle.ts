import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../render/rendered-file.js';
import { packageRoot } from '../util/package-root.js';

/** The renet build this rdc ships (dist/renet/renet.cjs) and its sha256, which the server's copy must match. */
export async function localRenet(): Promise<{ content: Buffer; sha256: string }> {
  const content = await readFile(join(packageRoot(), 'dist/renet/renet.cjs'));
  return { content, sha256: sha256(content.toString('latin1')) };
}
