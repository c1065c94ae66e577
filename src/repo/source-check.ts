import { parseDocument } from 'yaml';
import { COMPOSE_FILES } from '../compose/files.js';
import { rewriteCompose, type Slots } from '../compose/rewrite.js';
import type { Problem } from '../errors.js';
import { FIRST_NETWORK_ID } from '../infra/network.js';
import { rediaccDirs } from './lifecycle-plan.js';

/**
 * Checks a repo's source before anything leaves the workstation (pure): a Rediaccfile exists, every
 * Rediaccfile that runs `renet compose` has a compose file beside it, each compose file parses and
 * passes renet compose's own rewrite (dangerous settings, service names, the 61-service limit
 * across the whole repo). `read` gives the text of a listed file.
 */
export function checkSource(paths: string[], read: (path: string) => string): Problem[] {
  const problems: Problem[] = [];
  const dirs = rediaccDirs(paths);
  if (!dirs.length) {
    return [{ where: 'Rediaccfile', message: 'no Rediaccfile at the root of the source or in a first-level subdirectory; add one defining prep(), up() and down()' }];
  }
  const listed = new Set(paths);
  let slots: Slots = { services: {} };
  for (const dir of dirs) {
    const at = (name: string) => (dir ? `${dir}/${name}` : name);
    const rediaccfile = read(at('Rediaccfile'));
    if (!/\brenet\s+compose\b/.test(rediaccfile)) continue;
    const composePath = COMPOSE_FILES.map(at).find((p) => listed.has(p));
    if (!composePath) {
      problems.push({ where: at('Rediaccfile'), message: `runs renet compose, but ${dir ? `${dir}/` : 'the root'} has no compose file (${COMPOSE_FILES.join(', ')})` });
      continue;
    }
    const doc = parseDocument(read(composePath), { prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0];
      problems.push({ where: composePath, message: `does not parse: ${(e?.message ?? 'invalid YAML').split('\n')[0]}` });
      continue;
    }
    const model = doc.toJS() as unknown;
    if (!model || typeof model !== 'object' || Array.isArray(model)) {
      problems.push({ where: composePath, message: 'is not a compose file: expected a mapping with services' });
      continue;
    }
    const result = rewriteCompose(model as Record<string, unknown>, FIRST_NETWORK_ID, slots, /--unsafe\b/.test(rediaccfile));
    for (const message of result.errors) problems.push({ where: composePath, message });
    slots = result.slots;
  }
  return problems;
}
