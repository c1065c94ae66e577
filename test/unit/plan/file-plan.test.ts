import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFiles, planSummary } from '../../../src/core/plan/file-plan.js';
import { sha256 } from '../../../src/core/render/rendered-file.js';

test('plans by content hash and mode', () => {
  const desired = [
    { path: 'a', sha256: sha256('A'), mode: 0o644 },
    { path: 'b', sha256: sha256('B2'), mode: 0o644 },
    { path: 'c', sha256: sha256('C'), mode: 0o600 },
    { path: 'd', sha256: sha256('D'), mode: 0o644 },
  ];
  const observed = new Map([
    ['b', { sha256: sha256('B1'), mode: 0o100644 }],
    ['c', { sha256: sha256('C'), mode: 0o100644 }],
    ['d', { sha256: sha256('D'), mode: 0o100644 }],
  ]);
  const plan = planFiles(desired, observed);
  assert.deepEqual(plan.map((o) => `${o.op} ${o.file.path} (${o.cause})`), [
    'create a (not there yet)',
    'update b (content changed)',
    'chmod c (mode 0644 → 0600)',
    'keep d (unchanged)',
  ]);
  assert.equal(planSummary(plan), '1 to create, 1 to update, 1 to chmod, 1 unchanged');
});
