import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { rewriteCompose, type Slots } from '../../../src/core/compose/rewrite.js';
import { FIXTURES } from '../../helpers/paths.js';

/**
 * Golden files for renet compose's model rewrite, one case per directory: compose.yaml (+ optional
 * slots.json, the previous .rediacc.json, and options.json) → expected.yaml (model, env, slots,
 * errors, warnings). UPDATE_GOLDEN=1 rewrites expected.yaml.
 */
const CASES = `${FIXTURES}compose/`;

describe('renet compose rewrite golden files', () => {
  for (const name of readdirSync(CASES).sort()) {
    test(name, () => {
      const dir = join(CASES, name);
      const model = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as Record<string, unknown>;
      const slots: Slots = existsSync(join(dir, 'slots.json')) ? JSON.parse(readFileSync(join(dir, 'slots.json'), 'utf8')) : { services: {} };
      const options = existsSync(join(dir, 'options.json')) ? JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) as { networkId?: number } : {};
      const result = rewriteCompose(model, options.networkId ?? 2816, slots);
      const actual = stringify(result, { lineWidth: 0 });
      if (process.env.UPDATE_GOLDEN) writeFileSync(join(dir, 'expected.yaml'), actual);
      assert.equal(actual, readFileSync(join(dir, 'expected.yaml'), 'utf8'));
    });
  }
});

test('blkio device entries in compose config\'s JSON spelling (Path, Rate, Weight) are written as the schema spells them', () => {
  const model = { services: { a: { image: 'x', blkio_config: { weight: 300, weight_device: [{ Path: '/dev/sda', Weight: 400 }], device_read_bps: [{ Path: '/dev/sda', Rate: 1048576 }] } } } };
  const { model: out } = rewriteCompose(model, 2816, { services: {} });
  assert.deepEqual((out.services as Record<string, Record<string, unknown>>).a?.blkio_config, { weight: 300, weight_device: [{ path: '/dev/sda', weight: 400 }], device_read_bps: [{ path: '/dev/sda', rate: 1048576 }] });
});
