import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../../src/core/errors.js';
import { readSource } from '../../../src/rdc/services/repo-source.js';
import { hashFile, hashFileSync } from '../../../src/core/util/file-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'rdc-file-hash-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

test('the streaming hashers agree with a whole-buffer sha256: empty, tiny, and across chunk boundaries', async () => {
  const cases: [string, Buffer][] = [['empty', Buffer.alloc(0)], ['tiny', Buffer.from('hello\n')], ['chunks', randomBytes(3.5 * 1024 * 1024 + 7)]];
  for (const [name, content] of cases) {
    const path = join(dir, name);
    writeFileSync(path, content);
    assert.equal(await hashFile(path), sha(content), name);
    assert.equal(hashFileSync(path), sha(content), name);
  }
});

test('a sparse file over 2 GiB (more than Node can read whole) hashes like sha256sum, locally and in the source manifest', async () => {
  const src = join(dir, 'src');
  execFileSync('mkdir', ['-p', src]);
  const big = join(src, 'big.bin');
  execFileSync('truncate', ['-s', '2100M', big]);
  const fd = openSync(big, 'r+');
  writeSync(fd, 'the end\n', 2100 * 1024 * 1024 - 8);
  closeSync(fd);
  const want = execFileSync('sha256sum', [big], { encoding: 'utf8' }).split(' ')[0];
  // hashFile through the manifest (rdc's side), hashFileSync directly (renet's side).
  assert.equal(hashFileSync(big), want);
  const source = await readSource(dir, 'src');
  assert.deepEqual(source.files, [{ path: 'big.bin', sha256: want, mode: 0o644 }]);
  assert.equal(source.localPath('big.bin'), big);
});

test('the local check reads Rediaccfiles and compose files whole only when they are of a plausible size', async () => {
  const src = join(dir, 'src-big-compose');
  execFileSync('mkdir', ['-p', src]);
  writeFileSync(join(src, 'Rediaccfile'), 'up() { :; }\n');
  execFileSync('truncate', ['-s', '17M', join(src, 'compose.yaml')]);
  const source = await readSource(dir, 'src-big-compose');
  assert.equal(source.readText('Rediaccfile'), 'up() { :; }\n');
  assert.throws(() => source.readText('compose.yaml'), (e: unknown) => e instanceof UserError && /compose\.yaml is 17825792 bytes: too big for a Rediaccfile or compose file/.test(e.message));
});
