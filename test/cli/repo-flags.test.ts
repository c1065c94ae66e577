import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cliWithConfig } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** `rdc repo` flags checked before any connection: exit 2, the flag named, the config unchanged. */
describe('rdc repo refuses bad flags before connecting', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);
  let config = '';

  before(async () => {
    // 203.0.113.0/24 is TEST-NET-3: nothing answers there, so reaching the network would fail differently.
    assert.equal((await rdc(['context', 'add-machine', 'server-1', '--ip', '203.0.113.50', '--user', 'root', '--no-scan'])).code, 0);
    config = readFileSync(configPath, 'utf8');
  });

  const cases: [string, string[], RegExp][] = [
    ['a bad size', ['repo', 'create', 'app', '-m', 'server-1', '--size', 'huge'], /--size: expected a size like 10G/],
    ['a size too small', ['repo', 'up', 'app', '-m', 'server-1', '--size', '1M'], /--size: expected at least 64M/],
    ['an unknown volume kind', ['repo', 'create', 'app', '-m', 'server-1', '--volume', 'zfs'], /--volume: expected one of auto, luks, image, directory/],
    ['a network ID off the grid', ['repo', 'create', 'app', '-m', 'server-1', '--network-id', '3000'], /--network-id: expected 2816 \+ 64·n/],
    ['no machine and no default', ['repo', 'up', 'app'], /-m, --machine: which machine\?/],
    ['an unknown machine', ['repo', 'up', 'app', '-m', 'nope'], /Machine "nope" is not in context/],
    ['an invalid repo name', ['repo', 'create', 'App!', '-m', 'server-1'], /repo name: /],
    ['a repo that does not exist', ['repo', 'status', 'ghost'], /Repo "ghost" is not in context "default"/],
    ['delete without --yes in a script', ['repo', 'delete', 'ghost'], /confirm with --yes/],
    ['no source directory', ['repo', 'up', 'app', '-m', 'server-1'], /--path: no source directory: the current directory has no Rediaccfile/],
    ['a --path that is not a directory', ['repo', 'up', 'app', '-m', 'server-1', '--path', 'missing-dir'], /--path: .*missing-dir is not a directory/],
  ];
  test('an ignore file that cannot be read stops the sync before anything is sent', async () => {
    const src = join(dir, 'unreadable-ignore');
    mkdirSync(join(src, '.rediaccignore'), { recursive: true });
    writeFileSync(join(src, 'Rediaccfile'), 'up() { :; }\n');
    const r = await rdc(['repo', 'up', 'app', '-m', 'server-1', '--path', src]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\.rediaccignore cannot be read \(EISDIR\); nothing was synced/);
    assert.equal(readFileSync(configPath, 'utf8'), config);
  });

  for (const [what, args, message] of cases) {
    test(what, async () => {
      const r = await rdc(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(readFileSync(configPath, 'utf8'), config);
    });
  }
});
