import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cliWithConfig } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** `rdc repo up --all`: its flags are checked before any connection — exit 2, the flag named, the config unchanged. */
describe('rdc repo up --all refuses bad flags before connecting', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);
  let config = '';

  before(async () => {
    // TEST-NET-3: nothing answers there, so reaching the network would fail differently (and slowly).
    assert.equal((await rdc(['context', 'add-machine', 'server-1', '--ip', '203.0.113.50', '--user', 'root', '--no-scan'])).code, 0);
    config = readFileSync(configPath, 'utf8');
  });

  const cases: [string, string[], RegExp][] = [
    ['a name and --all', ['repo', 'up', 'app', '--all', '-m', 'server-1'], /--all: give a repo name \(app\) or --all, not both/],
    ['--all without -m and no default machine', ['repo', 'up', '--all'], /-m, --machine: which machine\? --all brings up every repo of one machine/],
    ['neither a name nor --all', ['repo', 'up', '-m', 'server-1'], /<name>: which repo\? Give its name, or --all/],
    ['--all with an unknown machine', ['repo', 'up', '--all', '-m', 'nope'], /Machine "nope" is not in context/],
    ['--all with flags of one repo, each named', ['repo', 'up', '--all', '-m', 'server-1', '--path', '.', '--volume', 'luks', '--dry-run'],
      /--path: applies to one repo[\s\S]*--dry-run: applies to one repo[\s\S]*--volume: applies to one repo/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const r = await rdc(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(readFileSync(configPath, 'utf8'), config);
    });
  }

  test('--all on a machine with no repo says so and connects to nothing', async () => {
    const r = await rdc(['repo', 'up', '--all', '-m', 'server-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(`${r.stdout}${r.stderr}`, /No repo of the config lives on server-1: nothing to bring up\./);
    assert.equal(readFileSync(configPath, 'utf8'), config);
  });
});
