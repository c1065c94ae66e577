import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Slots } from '../../compose/rewrite.js';
import { projectName } from '../compose-command.js';
import { prepareCompose } from '../compose-check.js';
import { repoRediaccDirs } from './lifecycle.js';
import { readSlots } from '../host/slots-store.js';

/**
 * Before `renet repo up` starts anything: every compose file a Rediaccfile runs `renet compose` on
 * is canonicalized and checked exactly as `renet compose` will (compose-check.ts), so a refused
 * model stops the whole up with every refusal listed while the synced files can still be put back.
 * `renet compose` checks again when it runs (a prep() may generate the file). Writes nothing but a
 * scratch file in the repo's state directory.
 */
export async function precheckCompose(mount: string, name: string, networkId: number, socket: string): Promise<string[]> {
  const errors: string[] = [];
  let previous: Slots = readSlots(mount).slots;
  const env = { ...process.env, REPOSITORY_PATH: mount, REPOSITORY_NAME: name, REPOSITORY_NETWORK_ID: String(networkId), DOCKER_HOST: `unix://${socket}` };
  for (const dir of repoRediaccDirs(mount)) {
    const cwd = join(mount, dir);
    if (!/\brenet\s+compose\b/.test(readFileSync(join(cwd, 'Rediaccfile'), 'utf8'))) continue;
    const out = join(mount, '.rediacc', 'compose', `precheck-${process.pid}.yml`);
    try {
      const r = await prepareCompose({ dir: cwd, mount, networkId, project: projectName(name, mount, cwd), previous, env, globals: [], checked: true, unsafe: false, out });
      if (r.ok) previous = r.slots;
      else errors.push(...r.errors.map((e) => (dir ? `${dir}/${e}` : e)));
    } finally {
      rmSync(out, { force: true });
    }
  }
  return errors;
}
