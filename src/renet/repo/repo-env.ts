import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_FILES } from '../../core/compose/files.js';
import { ipVariable, rewriteCompose, type Slots } from '../../core/compose/rewrite.js';
import { serviceIp } from '../../core/infra/network.js';
import { repoRediaccDirs } from './lifecycle.js';
import { readSlots, writeSlots } from '../host/slots-store.js';

/**
 * The environment every Rediaccfile function gets (SYSTEM.md §4). Slots for the services of every
 * compose file are given first, so that `prep()` already sees each `{SERVICE}_IP`; a compose file
 * that does not parse is left for `renet compose` to report.
 */
export function repoEnv(repoPath: string, name: string, networkId: number, socket: string): Record<string, string> {
  const { text: before, slots: stored } = readSlots(repoPath);
  let slots: Slots = stored;
  for (const dir of repoRediaccDirs(repoPath)) {
    const file = COMPOSE_FILES.map((f) => join(repoPath, dir, f)).find((f) => existsSync(f));
    if (!file) continue;
    try {
      const model = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
      if (model && typeof model === 'object') slots = rewriteCompose(model, networkId, slots).slots;
    } catch {
      // renet compose reports it with the file name
    }
  }
  writeSlots(repoPath, slots, before);
  const env: Record<string, string> = {
    REPOSITORY_PATH: repoPath, REPOSITORY_NAME: name, REPOSITORY_NETWORK_ID: String(networkId), DOCKER_HOST: `unix://${socket}`,
  };
  for (const [service, { slot }] of Object.entries(slots.services)) env[ipVariable(service)] = serviceIp(networkId, slot);
  return env;
}
