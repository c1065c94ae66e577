import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { checkInfraTree } from '../../src/rdc/services/render-infra.js';
import { cliWithConfig } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'cfTokenAbc123SecretValue';

test('a new user registers a machine, sets infra and renders the server tree', async () => {
  const dir = tempDir();
  const configPath = join(dir, 'cfg', 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);

  const add = await rdc(['context', 'add-machine', 'server-1', '--ip', '203.0.113.50', '--user', 'root', '--no-scan']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /Machine server-1 added to context default: root@203.0.113.50:22/);
  assert.match(add.stderr, /Created context default/);
  assert.equal(statSync(join(dir, 'cfg')).mode & 0o777, 0o700);
  assert.equal(statSync(configPath).mode & 0o777, 0o600);

  const set = await rdc(['context', 'set-infra', 'server-1', '--public-ipv4', '203.0.113.50', '--public-ipv6', '2001:db8::1',
    '--base-domain', 'Example.com', '--cert-email', 'admin@example.com', '--cf-dns-token', '-', '--tcp-ports', '25,143,5432', '--udp-ports', '53,1194'], `${TOKEN}\n`);
  assert.equal(set.code, 0, set.stderr);
  assert.doesNotMatch(set.stderr, /command line/, 'no argv warning when the token came on stdin');

  const show = await rdc(['context', 'show-infra', 'server-1']);
  assert.equal(show.code, 0);
  assert.match(show.stdout, /base domain\s+example\.com/);
  assert.match(show.stdout, /CF DNS token\s+\*\*\*/);
  const json = await rdc(['context', 'show-infra', 'server-1', '--json']);
  const view = JSON.parse(json.stdout) as { infra: Record<string, unknown> };
  assert.equal(view.infra.cfDnsApiToken, '***');
  assert.equal(view.infra.tls, true);
  assert.deepEqual(view.infra.routeEntryPoints, ['websecure', 'websecure-v6']);

  const dry = await rdc(['context', 'push-infra', 'server-1', '--output', 'tree', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Would render .* \(6 to create, 0 to update, 0 unchanged\)/);
  assert.equal(existsSync(join(dir, 'tree')), false, '--dry-run writes nothing');
  const push = await rdc(['context', 'push-infra', 'server-1', '--output', 'tree']);
  assert.equal(push.code, 0, push.stderr);
  const tree = join(dir, 'tree');
  chmodSync(join(tree, 'opt/rediacc/proxy/config.env'), 0o644);
  const again = JSON.parse((await rdc(['context', 'push-infra', 'server-1', '--output', 'tree', '--json'])).stdout) as { plan: { op: string; path: string }[] };
  assert.deepEqual(again.plan.filter((o) => o.op !== 'keep').map((o) => `${o.op} ${o.path}`), ['chmod opt/rediacc/proxy/config.env'], 'a second push only repairs the mode');
  const staticConfig = parse(readFileSync(join(tree, 'opt/rediacc/proxy/traefik/traefik.yml'), 'utf8'));
  assert.deepEqual(schemaErrors('static', staticConfig), []);
  assert.deepEqual(schemaErrors('dynamic', parse(readFileSync(join(tree, 'opt/rediacc/proxy/traefik/dynamic/rediacc-defaults.yml'), 'utf8'))), []);
  assert.ok(staticConfig.entryPoints['tcp-25'] && staticConfig.entryPoints['udp-1194'] && staticConfig.entryPoints['websecure-v6']);
  assert.equal(staticConfig.entryPoints.websecure.address, '203.0.113.50:443');
  const env = join(tree, 'opt/rediacc/proxy/config.env');
  assert.equal(statSync(env).mode & 0o777, 0o600);
  assert.match(readFileSync(env, 'utf8'), new RegExp(`^CF_DNS_API_TOKEN=${TOKEN}$`, 'm'));
  const files = ['opt/rediacc/proxy/traefik/traefik.yml', 'opt/rediacc/proxy/traefik/dynamic/rediacc-defaults.yml']
    .map((p) => ({ path: p, content: readFileSync(join(tree, p), 'utf8'), mode: 0o644 }));
  assert.deepEqual(checkInfraTree(files), []);

  for (const out of [add, set, show, json, dry, push]) assert.ok(!(out.stdout + out.stderr).includes(TOKEN), 'the token is never printed');
});

test('a token on the command line works but is warned about, and never echoed', async () => {
  const dir = tempDir();
  const rdc = cliWithConfig(join(dir, 'config.yaml'), dir);
  await rdc(['context', 'add-machine', 'm1', '--ip', '10.0.0.1', '--user', 'root', '--no-scan']);
  const r = await rdc(['context', 'set-infra', 'm1', '--cf-dns-token', TOKEN, '--cert-email', 'a@example.com']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /other local users can read it/);
  assert.ok(!(r.stdout + r.stderr).includes(TOKEN));
  const file = join(dir, 'token.txt');
  (await import('node:fs')).writeFileSync(file, `${TOKEN}2\n`);
  const fromFile = await rdc(['context', 'set-infra', 'm1', '--cf-dns-token', `@${file}`]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(readFileSync(join(dir, 'config.yaml'), 'utf8'), new RegExp(`cfDnsApiToken: ${TOKEN}2\n`));
});

test('contexts: create, use, list, show, delete', async () => {
  const dir = tempDir();
  const rdc = cliWithConfig(join(dir, 'config.yaml'), dir);
  assert.equal((await rdc(['context', 'create', 'prod'])).code, 0);
  assert.equal((await rdc(['context', 'create', 'lab'])).code, 0);
  const list = await rdc(['context', 'list']);
  assert.match(list.stdout, /\*\s+prod/);
  assert.equal((await rdc(['context', 'use', 'lab'])).code, 0);
  assert.match((await rdc(['context', 'show'])).stdout, /Context lab \(current\)/);
  assert.equal((await rdc(['--context', 'prod', 'context', 'add-machine', 'p1', '--ip', 'p1.example.com', '--user', 'root', '--no-scan'])).code, 0);
  const machines = JSON.parse((await rdc(['context', 'machines', '--json', '--context', 'prod'])).stdout) as { machines: { name: string }[] };
  assert.deepEqual(machines.machines.map((m) => m.name), ['p1']);
  const refused = await rdc(['context', 'delete', 'prod']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /still has 1 machine/);
  assert.equal((await rdc(['context', 'delete', 'prod', '--force'])).code, 0);
  assert.equal((await rdc(['context', 'remove-machine', 'p1'])).code, 2, 'p1 went with prod');
});

test('help, version and usage errors have the documented exit codes', async () => {
  const rdc = cliWithConfig(join(tempDir(), 'config.yaml'));
  assert.equal((await rdc(['--help'])).code, 0);
  assert.equal((await rdc(['context', 'set-infra', '--help'])).code, 0);
  assert.equal((await rdc(['--version'])).code, 0);
  assert.equal((await rdc([])).code, 2);
  const unknown = await rdc(['context', 'set-infra', 'x', '--public-ip', '1.2.3.4']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--public-ip'/);
  assert.equal((await rdc(['frobnicate'])).code, 2);
});
