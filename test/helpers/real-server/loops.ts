import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runQuiet } from './run.js';

/**
 * Detaches the loop devices a host attached to files on its disk. A host killed outright (or one
 * whose shutdown did not detach them) would otherwise keep them, and this machine has only a few
 * (8 here), shared with every test. The kernel reports the backing file as the host saw it, so it
 * is matched by path under the disk and by inode. Synchronous: also used by the exit safety net.
 */
export function detachLoopsOf(root: string): string[] {
  let devices: { name: string; 'back-file'?: string | null; 'back-ino'?: number | string | null }[];
  try {
    const out = execFileSync('losetup', ['-J', '-l', '-O', 'NAME,BACK-FILE,BACK-INO'], { encoding: 'utf8' });
    devices = out.trim() ? (JSON.parse(out) as { loopdevices: typeof devices }).loopdevices : [];
  } catch {
    return [];
  }
  const detached: string[] = [];
  for (const d of devices) {
    const file = d['back-file'];
    if (!file || file.endsWith(' (deleted)')) continue;
    try {
      if (String(statSync(join(root, file)).ino) !== String(d['back-ino'])) continue;
    } catch {
      continue;
    }
    if (runQuiet('losetup', ['-d', d.name])) detached.push(d.name);
  }
  return detached;
}
