import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keyedEnv, lookupCheck, sha, storeCheck, type CheckEntry } from '../../../src/renet/compose-check-cache.js';
import { literal } from '../../../src/renet/compose-check.js';

describe('renet compose\'s kept verdict', () => {
  test('is kept only for the model its check wrote: another run\'s model renamed in meanwhile drops it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdc-check-cache-'));
    try {
      const out = join(dir, 'p.yml');
      const entry: CheckEntry = { key: 'k', reads: [], reals: [], outSha: sha('checked\n'), slots: {} as CheckEntry['slots'], envAdd: {}, warnings: [], cli: { v2: true, bin: 'docker', base: ['compose'] } };
      writeFileSync(out, 'another run\'s model\n');
      storeCheck(out, entry);
      assert.equal(existsSync(join(dir, 'p.check.json')), false);
      assert.equal(lookupCheck(out, 'k', (p) => p, (p) => readFileSync(p, 'utf8')), undefined);
      writeFileSync(out, 'checked\n');
      storeCheck(out, entry);
      assert.equal(lookupCheck(out, 'k', (p) => p, (p) => readFileSync(p, 'utf8'))?.key, 'k');
      writeFileSync(out, 'another run\'s model\n');
      storeCheck(out, { ...entry, hashes: { a: 'h' } }); // config --hash asked after the swap
      assert.equal(existsSync(join(dir, 'p.check.json')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('is keyed on the whole environment, but per-connection variables only when a file names them', () => {
    const env = { PASS: 'x', HIDDEN: 'y', SSH_CONNECTION: '1.2.3.4 5 6.7.8.9 22', _: '/usr/bin/env', PATH: '/bin' };
    assert.deepEqual(keyedEnv(env, new Set()).map(([k]) => k), ['HIDDEN', 'PASS', 'PATH']);
    assert.deepEqual(keyedEnv(env, new Set(['SSH_CONNECTION'])).map(([k]) => k), ['HIDDEN', 'PASS', 'PATH', 'SSH_CONNECTION']);
  });

  test('the policy reads compose\'s printed model as compose uses it: $$ is one $', () => {
    assert.deepEqual(literal({ volumes: [{ type: 'bind', source: '/m/x$${Y}' }], n: 1, e: { A: '$$$$' } }), { volumes: [{ type: 'bind', source: '/m/x${Y}' }], n: 1, e: { A: '$$' } });
  });
});
