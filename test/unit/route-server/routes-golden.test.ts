import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { buildRoutes } from '../../../src/renet/route-server/build-routes.js';
import { entryPointMap } from '../../../src/renet/route-server/container-routes.js';
import type { RepoPins } from '../../../src/core/repo/rollout-pins.js';
import { emptyState, type ContainerInfo, type RouteSettings, type RouteState } from '../../../src/renet/route-server/model.js';
import { lintTraefikDynamic } from '../../../src/core/traefik/lint-dynamic.js';
import { FIXTURES } from '../../helpers/paths.js';
import { schemaErrors } from '../../helpers/schemas.js';
import { BASE_SETTINGS } from './settings.js';

/**
 * Golden files for the label → route transform, one case per directory: input.yaml (settings
 * overrides, prior state, containers with their labels) and expected.json (everything the
 * transform returns). UPDATE_GOLDEN=1 rewrites expected.json.
 */
const CASES = `${FIXTURES}routes/`;


interface CaseInput {
  settings?: Partial<RouteSettings>;
  state?: Partial<RouteState>;
  /** Repos whose daemon the route server still watches (all kept when absent). */
  liveRepos?: number[];
  /** Rollout pins by network ID: `{ services: { service: container id } }`. */
  pins?: Record<string, RepoPins>;
  containers: (Omit<ContainerInfo, 'id'> & { id?: string })[];
}

describe('route transform golden files', () => {
  for (const name of readdirSync(CASES).sort()) {
    test(name, () => {
      const dir = join(CASES, name);
      const input = parse(readFileSync(join(dir, 'input.yaml'), 'utf8')) as CaseInput;
      const settings = { ...BASE_SETTINGS, ...input.settings };
      const containers = input.containers.map((c) => ({ ...c, id: c.id ?? `id-${c.name}`, labels: stringLabels(c.labels) }));
      const live = input.liveRepos ? new Set(input.liveRepos) : undefined;
      const pins = new Map(Object.entries(input.pins ?? {}).map(([id, p]) => [Number(id), p]));
      const build = buildRoutes(containers, settings, { ...emptyState(), ...input.state }, new Map(), live, pins);
      const actual = `${JSON.stringify(build, null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN) writeFileSync(join(dir, 'expected.json'), actual);
      assert.equal(actual, readFileSync(join(dir, 'expected.json'), 'utf8'));

      assert.deepEqual(schemaErrors('dynamic', build.dynamic), [], 'Traefik\'s file-provider schema');
      const lint = lintTraefikDynamic(build.dynamic, { provider: 'http', entryPoints: entryPointMap(settings), certResolvers: new Set(settings.certResolver ? [settings.certResolver] : []), external: { file: { middlewares: new Set(settings.fileMiddlewares) } } });
      assert.deepEqual(lint, [], 'rdc\'s lint');
      // A warm fragment cache (as the route server keeps) changes nothing, twice over.
      const cache = new Map();
      for (let i = 0; i < 2; i++) assert.equal(`${JSON.stringify(buildRoutes(containers, settings, { ...emptyState(), ...input.state }, cache, live, pins), null, 2)}\n`, actual);
      // The same input in another order gives the same bytes.
      assert.equal(`${JSON.stringify(buildRoutes([...containers].reverse(), settings, { ...emptyState(), ...input.state }, new Map(), live, pins), null, 2)}\n`, actual);
    });
  }
});

/** YAML may read `8080` as a number; Docker labels are always strings. `<<x*N>>` stands for N times x (hostile sizes). */
function stringLabels(labels: Record<string, unknown>): Record<string, string> {
  const expand = (s: string) => s.replace(/<<(.+?)\*([0-9]+)>>/g, (_, text: string, n: string) => text.repeat(Number(n)));
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [expand(k), expand(String(v))]));
}
