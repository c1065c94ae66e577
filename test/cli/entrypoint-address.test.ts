import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { cliWithConfig } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const entryPointsOf = (dir: string) =>
  (parse(readFileSync(join(dir, 'opt/rediacc/proxy/traefik/traefik.yml'), 'utf8')) as { entryPoints: Record<string, { address: string }> }).entryPoints;

test('entrypoints bind the public address; --output with no address renders the wildcard and says why that hurts', async () => {
  const dir = tempDir();
  const rdc = cliWithConfig(join(dir, 'config.yaml'), dir);
  assert.equal((await rdc(['context', 'add-machine', 's1', '--ip', '203.0.113.9', '--user', 'root', '--no-scan'])).code, 0);

  const bare = await rdc(['context', 'push-infra', 's1', '--output', 'none']);
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stderr, /No address is set: web, tcp-\* and udp-\* bind every address here, and a repo service on its own IP with the same port \(a db on 5432\) cannot start beside them/);
  assert.equal(entryPointsOf(join(dir, 'none'))['tcp-5432']?.address, ':5432');
  assert.match((await rdc(['context', 'show-infra', 's1'])).stdout, /listen address\s+the server's primary address \(detected by push-infra\)/);

  assert.equal((await rdc(['context', 'set-infra', 's1', '--public-ipv4', '203.0.113.9'])).code, 0);
  const v4 = await rdc(['context', 'push-infra', 's1', '--output', 'v4']);
  assert.equal(v4.code, 0, v4.stderr);
  assert.doesNotMatch(v4.stderr, /No address is set/);
  const eps = entryPointsOf(join(dir, 'v4'));
  for (const [name, ep] of Object.entries(eps)) assert.doesNotMatch(ep.address, /^:/, `${name} binds ${ep.address}`);
  assert.equal(eps['tcp-5432']?.address, '203.0.113.9:5432');
  assert.equal(eps['udp-53']?.address, '203.0.113.9:53/udp');
  assert.equal(eps.web?.address, '203.0.113.9:80');
});
