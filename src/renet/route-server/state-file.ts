import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { emptyState, type RouteState } from './model.js';

/** Host owners and port allocations survive restarts in {stateDir}/state.json. */
export function loadState(dir: string, log: (line: string) => void): RouteState {
  try {
    const raw = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Partial<RouteState>;
    return { ...emptyState(), ...raw };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`state: cannot read ${join(dir, 'state.json')} (${(err as Error).message}); starting empty`);
    return emptyState();
  }
}

/** Written atomically (temp file + rename) so a crash never leaves half a file. */
export function saveState(dir: string, state: RouteState, log: (line: string) => void): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic.sync(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  } catch (err) {
    log(`state: cannot write ${dir}/state.json: ${(err as Error).message}`);
  }
}
