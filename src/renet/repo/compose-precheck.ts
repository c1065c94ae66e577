import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Slots } from '../../core/compose/rewrite.js';
import { projectName } from '../compose-command.js';
import { prepareCompose, type ComposeJob, type Prepared } from '../compose-check.js';
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
  await eachComposeModel(mount, name, networkId, socket, async (dir, _job, r) => {
    if (!r.ok) errors.push(...r.errors.map((e) => (dir ? `${dir}/${e}` : e)));
  });
  return errors;
}

/**
 * Every Rediaccfile directory that runs `renet compose`, with its model prepared as `renet compose`
 * would (checked), handed to `use` while its scratch file exists; `renet repo plan` reads the same
 * models to say what `up` would do to each service.
 */
export async function eachComposeModel(mount: string, name: string, networkId: number, socket: string, use: (dir: string, job: ComposeJob, prepared: Prepared) => Promise<void>): Promise<void> {
  let previous: Slots = readSlots(mount).slots;
  const env = { ...process.env, REPOSITORY_PATH: mount, REPOSITORY_NAME: name, REPOSITORY_NETWORK_ID: String(networkId), DOCKER_HOST: `unix://${socket}` };
  for (const dir of repoRediaccDirs(mount)) {
    const cwd = join(mount, dir);
    if (!/\brenet\s+compose\b/.test(readFileSync(join(cwd, 'Rediaccfile'), 'utf8'))) continue;
    const out = join(mount, '.rediacc', 'compose', `precheck-${process.pid}.yml`);
    const job: ComposeJob = { dir: cwd, mount, networkId, project: projectName(name, mount, cwd), previous, env, globals: [], checked: true, unsafe: false, out };
    try {
      const r = await prepareCompose(job);
      if (r.ok) previous = r.slots;
      await use(dir, { ...job, previous }, r);
    } finally {
      rmSync(out, { force: true });
    }
  }
}
