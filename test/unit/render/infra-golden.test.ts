import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import type { Machine } from '../../../src/core/config/model.js';
import { SERVER_PATHS } from '../../../src/core/infra/server-layout.js';
import { renderInfraTree } from '../../../src/core/render/infra-tree.js';
import { checkInfraTree } from '../../../src/rdc/services/render-infra.js';
import { loadInfraTemplates } from '../../../src/rdc/services/templates.js';
import { FIXTURES } from '../../helpers/paths.js';
import { schemaErrors } from '../../helpers/schemas.js';

/**
 * Golden files, one case per directory: input.yaml holds a machine as it would appear in the config
 * file; expected/ holds the exact tree push-infra renders, and expected/MODES the file modes.
 * UPDATE_GOLDEN=1 rewrites expected/ (review the diff).
 */
const CASES = `${FIXTURES}render/infra/`;
const templates = await loadInfraTemplates();

function loadCase(dir: string): { name: string; machine: Machine } {
  const input = parse(readFileSync(join(dir, 'input.yaml'), 'utf8')) as { name: string; machine: unknown };
  const parsed = parseConfig({ contexts: { default: { machines: { [input.name]: input.machine } } } });
  assert.deepEqual(parsed.errors, [], 'the case input must be a valid machine config');
  assert.deepEqual(parsed.warnings, [], 'the case input must use only known keys');
  return { name: input.name, machine: parsed.config.contexts.default?.machines[input.name] as Machine };
}

function readTree(dir: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of readTree(dir, rel)) files.set(k, v);
    else files.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return files;
}

describe('infra tree golden files', () => {
  for (const name of readdirSync(CASES).sort()) {
    test(name, () => {
      const dir = join(CASES, name);
      const { name: machineName, machine } = loadCase(dir);
      const files = renderInfraTree(machineName, machine, templates);
      const rendered = new Map(files.map((f) => [f.path, f.content]));
      const modes = `${files.map((f) => `${f.mode.toString(8).padStart(4, '0')} ${f.path}`).join('\n')}\n`;
      rendered.set('MODES', modes);

      const expectedDir = join(dir, 'expected');
      if (process.env.UPDATE_GOLDEN) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const [path, content] of rendered) {
          mkdirSync(dirname(join(expectedDir, path)), { recursive: true });
          writeFileSync(join(expectedDir, path), content);
        }
      }
      const expected = readTree(expectedDir);
      assert.deepEqual([...rendered.keys()].sort(), [...expected.keys()].sort(), 'the set of rendered files');
      for (const [path, content] of rendered) assert.equal(content, expected.get(path), `content of ${path}`);

      // Rendering twice gives the same bytes.
      assert.deepEqual(renderInfraTree(machineName, machine, templates), files);
    });

    test(`${name}: Traefik schemas and rdc's lint accept every config`, () => {
      const { name: machineName, machine } = loadCase(join(CASES, name));
      const files = renderInfraTree(machineName, machine, templates);
      const get = (p: string) => files.find((f) => f.path === p)?.content ?? '';
      assert.deepEqual(schemaErrors('static', parse(get(SERVER_PATHS.traefikStatic))), []);
      assert.deepEqual(schemaErrors('dynamic', parse(get(SERVER_PATHS.traefikDynamicDefaults))), []);
      assert.deepEqual(checkInfraTree(files), []);
    });
  }
});
