import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { manySmallFiles } from '../helpers/many-files.js';
import { startRepoBed, type RepoBed } from '../helpers/repo-bed.js';

interface UpJson {
  files: number;
  reply: { sync: { placed: number; kept: number; deleted: number } };
  timings: Record<string, number>;
}

/**
 * `rdc repo up` at sizes that broke it: 20,000 files (renet's replies and rdc's requests are
 * megabytes: a reply over 64 KiB used to be cut) and a sparse file over 2 GiB (used to be read
 * whole, and refused by Node), both through the real sshd, SFTP and renet.
 */
describe('rdc repo up at scale', () => {
  let bed: RepoBed;
  const mountOf = (repo: string) => {
    const cfg = parse(readFileSync(join(bed.dir, 'config.yaml'), 'utf8')) as { contexts: { default: { repositories: Record<string, { guid: string }> } } };
    return join(bed.server.rootPrefix, 'mnt/rediacc/mounts', cfg.contexts.default.repositories[repo]?.guid ?? 'none');
  };
  const up = async (args: string[]): Promise<UpJson> => {
    const r = await bed.rdc(['--json', 'repo', 'up', ...args]);
    assert.equal(r.code, 0, `${r.stdout.slice(0, 2000)}\n${r.stderr}`);
    return JSON.parse(r.stdout) as UpJson;
  };

  before(async () => {
    bed = await startRepoBed('large');
  });
  after(async () => {
    for (const repo of ['many', 'big']) await bed?.rdc(['repo', 'delete', repo, '--yes']);
    await bed?.stop();
  });

  test('20,000 files: the first up uploads them all, a second changes nothing, one edit sends one file', async () => {
    const src = join(bed.dir, 'src', 'many');
    manySmallFiles(src, 20_000);
    const first = await up(['many', '-m', 's1', '--path', src, '--mount', '--network-id', String(bed.networkId(0)), '--size', '1G']);
    assert.equal(first.files, 20_001);
    assert.deepEqual([first.reply.sync.placed, first.reply.sync.kept], [20_001, 0]);
    assert.ok('upload' in first.timings, 'the contents were uploaded');
    const mount = mountOf('many');
    assert.equal(readdirSync(join(mount, 'files')).length, 200);
    assert.equal(readFileSync(join(mount, 'files/199/19999.txt'), 'utf8'), 'file 19999\n');
    assert.equal(readFileSync(join(mount, 'files/000/0.txt'), 'utf8'), 'file 0\n');

    const again = await up(['many']);
    assert.deepEqual([again.reply.sync.placed, again.reply.sync.kept, again.reply.sync.deleted], [0, 20_001, 0]);
    assert.ok(!('upload' in again.timings), 'nothing was uploaded');

    writeFileSync(join(src, 'files/123/12345.txt'), 'edited\n');
    const edited = await up(['many']);
    assert.deepEqual([edited.reply.sync.placed, edited.reply.sync.kept], [1, 20_000]);
    assert.equal(readFileSync(join(mount, 'files/123/12345.txt'), 'utf8'), 'edited\n');
  });

  test('a sparse file over 2 GiB is hashed and uploaded by streaming, and a second up keeps it', async () => {
    const src = join(bed.dir, 'src', 'big');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'Rediaccfile'), 'up() { :; }\n');
    const big = join(src, 'big.bin');
    execFileSync('truncate', ['-s', '2100M', big]);
    // Bytes at both ends, so a cut or offset transfer cannot match by luck.
    const fd = openSync(big, 'r+');
    writeSync(fd, 'head of the big file\n', 0);
    writeSync(fd, 'tail of the big file\n', statSync(big).size - 21);
    closeSync(fd);
    const want = execFileSync('sha256sum', [big], { encoding: 'utf8' }).split(' ')[0];

    const first = await up(['big', '-m', 's1', '--path', src, '--mount', '--network-id', String(bed.networkId(1)), '--size', '3G']);
    assert.equal(first.reply.sync.placed, 2);
    const placed = join(mountOf('big'), 'big.bin');
    assert.equal(statSync(placed).size, 2100 * 1024 * 1024);
    assert.equal(execFileSync('sha256sum', [placed], { encoding: 'utf8' }).split(' ')[0], want);

    const again = await up(['big']);
    assert.deepEqual([again.reply.sync.placed, again.reply.sync.kept], [0, 2]);
  });
});
