import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planSync, safeRelativePath, syncCounts, type ObservedFile, type SourceFile } from '../../../src/core/repo/sync-plan.js';

const h = (c: string) => c.repeat(64);
const file = (path: string, c: string, mode = 0o644): SourceFile => ({ path, sha256: h(c), mode });
const seen = (entries: [string, string, number?][]) => new Map<string, ObservedFile>(entries.map(([p, c, m]) => [p, { sha256: h(c), mode: m ?? 0o644 }]));

test('unchanged files are kept; nothing to do is a no-op', () => {
  const plan = planSync([file('a', '1'), file('d/b', '2')], seen([['a', '1'], ['d/b', '2']]), ['a', 'd/b'], new Set());
  assert.deepEqual(plan.keep, ['a', 'd/b']);
  assert.deepEqual(syncCounts(plan), { placed: 0, chmod: 0, deleted: 0, kept: 2, upload: 0 });
});

test('missing contents are asked for once each; staged ones are placed', () => {
  const plan = planSync([file('a', '1'), file('b', '1'), file('c', '3')], seen([]), [], new Set([h('3')]));
  assert.deepEqual(plan.upload, [h('1')], 'two paths with one content: one upload');
  assert.deepEqual(plan.place.map((f) => f.path), ['c']);
});

test('only the executable bit matters for the mode', () => {
  const plan = planSync([file('run.sh', '1', 0o755), file('x', '2', 0o644)], seen([['run.sh', '1', 0o644], ['x', '2', 0o600]]), [], new Set());
  assert.deepEqual(plan.chmod.map((f) => f.path), ['run.sh']);
  assert.deepEqual(plan.keep, ['x']);
});

test('deletes only what the previous sync wrote and is still there', () => {
  const plan = planSync([file('a', '1')], seen([['a', '1'], ['old', '9'], ['data/db', '7']]), ['a', 'old', 'gone-already'], new Set());
  assert.deepEqual(plan.delete, ['old'], 'data/db was never synced: the app owns it');
});

test('manifest paths renet refuses', () => {
  for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', '.rediacc.json', '.rediacc/docker/x', 'sub/.rediacc/compose.rewritten.yml', 'a\\b']) {
    assert.equal(safeRelativePath(bad), false, bad);
  }
  for (const ok of ['a', 'sub/Rediaccfile', '.env', 'www/.well-known/x', 'sub/.rediacc.json']) assert.equal(safeRelativePath(ok), true, ok);
});
