import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Lazily unmounts everything mounted below `dir`, deepest first: loop-mounted repo volumes, and the
 * netns and overlay mounts dockerd can leave behind (testbed-notes pitfall 11). Mount points are
 * decoded (/proc/self/mounts writes a space as \040), so paths with spaces are found too.
 */
export function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  for (const m of mounts.filter((m) => m.startsWith(`${dir}/`)).sort().reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      // gone meanwhile
    }
  }
}
