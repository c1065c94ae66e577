import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import { renderConfigFile } from '../../../src/rdc/config/store.js';

const good = () => parse(`
currentContext: default
contexts:
  default:
    machines:
      server-1:
        host: 203.0.113.50
        user: root
        infra:
          publicIPv4: 203.0.113.50
          cfDnsApiToken: tok-123456
          tcpPorts: [25, 143, 465]
    repositories:
      my-app: { machine: server-1, guid: 0b0f6c1e-5b8a-4d7e-9d63-0c9d7d1c2a10, networkId: 2880, credential: c3VwZXJzZWNyZXQ= }
`) as { contexts: { default: { machines: { 'server-1': Record<string, unknown> & { infra: Record<string, unknown> } } } } };

test('a valid file parses, round-trips, and keeps secrets wrapped', () => {
  const { config, errors, warnings } = parseConfig(good());
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  const infra = config.contexts.default?.machines['server-1']?.infra;
  assert.equal(String(infra?.cfDnsApiToken), '[REDACTED]');
  assert.equal(JSON.stringify(infra).includes('tok-123456'), false);
  const again = parseConfig(parse(renderConfigFile(config)));
  assert.deepEqual(again.errors, []);
  assert.equal(renderConfigFile(again.config), renderConfigFile(config));
});

test('a bad value is reported with its full path, and every problem is collected', () => {
  const raw = good();
  const machine = raw.contexts.default.machines['server-1'];
  machine.infra.tcpPorts = [25, 143, 'x'];
  machine.port = 70000;
  machine.infra.publicIPv4 = '2001:db8::1';
  const { errors } = parseConfig(raw);
  assert.deepEqual(errors.map((e) => e.where), [
    'contexts.default.machines.server-1.port',
    'contexts.default.machines.server-1.infra.publicIPv4',
    'contexts.default.machines.server-1.infra.tcpPorts[2]',
  ]);
  assert.match(errors[2]?.message ?? '', /not a port/);
});

test('cross-field clashes point at the offending list item', () => {
  const raw = good();
  raw.contexts.default.machines['server-1'].infra.tcpPorts = [25, 143, 80];
  assert.deepEqual(parseConfig(raw).errors.map((e) => e.where), ['contexts.default.machines.server-1.infra.tcpPorts[2]']);
});

test('unknown keys are warnings; dangling references and bad names are errors', () => {
  const raw = good() as Record<string, unknown> & { contexts: Record<string, unknown> };
  (raw.contexts.default as Record<string, unknown>).defaultMachine = 'ghost';
  (raw.contexts.default as Record<string, unknown>).colour = 'blue';
  raw.contexts['Bad Name'] = {};
  raw.currentContext = 'nope';
  const { errors, warnings } = parseConfig(raw);
  assert.deepEqual(warnings.map((w) => w.where), ['contexts.default.colour']);
  assert.deepEqual(errors.map((e) => e.where).sort(), ['contexts.Bad Name', 'contexts.default.defaultMachine', 'currentContext']);
});

test('wrong shapes are reported, not thrown', () => {
  for (const raw of [[], 'text', { contexts: [] }, { contexts: { a: { machines: { m: 'x' } } } }]) {
    const { errors } = parseConfig(raw);
    assert.ok(errors.length > 0, `expected errors for ${JSON.stringify(raw)}`);
  }
  assert.deepEqual(parseConfig({}).errors, []);
});

test('values YAML tags type (!!timestamp, !!binary, !!set, !!omap) are named as what they are, at their path', () => {
  for (const [tagged, said] of [['!!timestamp 2001-12-14', /found a date/], ['!!binary L21udA==', /found binary data/], ['!!set {a: null}', /found a mapping \(a !!set or !!omap value\)/], ['!!omap [a: 1]', /found a mapping \(a !!set or !!omap value\)/]] as const) {
    const raw = parse(`contexts:\n  default:\n    machines:\n      m: {host: 203.0.113.50, user: root, datastore: ${tagged}}\n`, { logLevel: 'error' }) as unknown;
    const { errors } = parseConfig(raw);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0]?.where, 'contexts.default.machines.m.datastore');
    assert.match(errors[0]?.message ?? '', said);
  }
});
