import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { observeRepoFiles } from '../../../src/renet/repo/observe-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'rdc-observe-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

test('renet observes unchanged files from stat alone, and hashes again whatever was written since, same size or not', async () => {
  const cache = join(dir, '.rediacc', 'hashes.json');
  writeFileSync(join(dir, 'a.txt'), 'aaaa');
  writeFileSync(join(dir, 'b.txt'), 'bbbb');
  const fresh = observeRepoFiles(dir, cache, ['a.txt', 'b.txt', 'missing.txt']);
  assert.deepEqual([...fresh.keys()], ['a.txt', 'b.txt']);
  assert.equal(fresh.get('a.txt')?.sha256, sha('aaaa'));
  assert.deepEqual(JSON.parse(readFileSync(cache, 'utf8')), {}, 'files written this instant are never cached (a write in the same tick would go unseen)');

  await new Promise((r) => setTimeout(r, 2100));
  observeRepoFiles(dir, cache, ['a.txt', 'b.txt']);
  const recorded = JSON.parse(readFileSync(cache, 'utf8')) as Record<string, [string, string]>;
  assert.deepEqual(Object.keys(recorded), ['a.txt', 'b.txt']);
  // Proof that the record is used: a doctored hash for an untouched file comes back as is.
  writeFileSync(cache, JSON.stringify({ ...recorded, 'a.txt': [recorded['a.txt']?.[0], 'f'.repeat(64)] }));
  writeFileSync(join(dir, 'b.txt'), 'BBBB'); // same size, new content
  const again = observeRepoFiles(dir, cache, ['a.txt', 'b.txt']);
  assert.equal(again.get('a.txt')?.sha256, 'f'.repeat(64));
  assert.equal(again.get('b.txt')?.sha256, sha('BBBB'));
});
