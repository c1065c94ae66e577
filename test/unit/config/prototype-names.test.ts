import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { entryOf, nameMap } from '../../../src/core/config/model.js';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import { selectContext, selectMachine } from '../../../src/core/config/select.js';
import { serializeConfig } from '../../../src/core/config/serialize-config.js';
import { UserError } from '../../../src/core/errors.js';

/** Names that are also Object.prototype members must be ordinary names, present or absent. */
const PROTO_NAMES = ['constructor', 'valueof', 'tostring', 'hasownproperty'];
const RAW_PROTO_KEYS = ['toString', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf', 'valueOf'];

test('a name map has no inherited members', () => {
  const map = nameMap<number>();
  for (const name of [...PROTO_NAMES, ...RAW_PROTO_KEYS]) {
    assert.equal(map[name], undefined, name);
    assert.equal(entryOf(map, name), undefined, name);
  }
  map.__proto__ = 1;
  assert.deepEqual(Object.keys(map), ['__proto__'], '__proto__ is an ordinary key');
  assert.equal(entryOf({} as Record<string, number>, 'constructor'), undefined, 'entryOf reads own properties only');
});

test('contexts, machines and repositories named constructor work, and missing ones are missing', () => {
  const { config, errors } = parseConfig(parse(`
currentContext: constructor
contexts:
  constructor:
    defaultMachine: constructor
    machines:
      constructor: { host: 10.0.0.1, user: root }
    repositories:
      constructor: { machine: constructor, guid: 0b0f6c1e-5b8a-4d7e-9d63-0c9d7d1c2a10, networkId: 2816, credential: c2VjcmV0c2VjcmV0 }
  other:
    machines: {}
`));
  assert.deepEqual(errors, []);
  const selected = selectContext(config, undefined);
  assert.equal(selected.name, 'constructor');
  assert.equal(selectMachine(selected, 'constructor').host, '10.0.0.1');
  const other = selectContext(config, 'other');
  for (const name of PROTO_NAMES) {
    assert.throws(() => selectMachine(other, name), (e: unknown) => e instanceof UserError && /is not in context "other"/.test(e.message), name);
    assert.equal(other.context.repositories[name], undefined);
  }
  assert.throws(() => selectContext(config, 'valueof'), /Context "valueof" does not exist/);
  const again = serializeConfig(config) as { contexts: Record<string, { machines: Record<string, unknown> }> };
  assert.deepEqual(Object.keys(again.contexts), ['constructor', 'other']);
  const name: string = 'constructor';
  assert.ok(Object.hasOwn(again.contexts[name]?.machines ?? {}, 'constructor'));
});

test('prototype-member keys in the file are bad names, reported, never crash or pollute', () => {
  const text = `contexts:\n${RAW_PROTO_KEYS.map((k) => `  ${k}:\n    machines:\n      ${k}: { host: 10.0.0.1, user: root }\n`).join('')}`;
  const { config, errors } = parseConfig(parse(text));
  for (const key of RAW_PROTO_KEYS) {
    assert.ok(errors.some((e) => e.where === `contexts.${key}`), `contexts.${key} is reported`);
    assert.ok(errors.some((e) => e.where === `contexts.${key}.machines.${key}`), `its machine ${key} is reported`);
  }
  assert.equal(({} as Record<string, unknown>).host, undefined, 'Object.prototype is untouched');
  assert.equal(Object.keys(config.contexts).length, RAW_PROTO_KEYS.length);
  assert.deepEqual(parseConfig(parse('currentContext: toString\ncontexts: {}\n')).errors.map((e) => e.where), ['currentContext']);
  assert.deepEqual(parseConfig(parse('currentContext: constructor\ncontexts: {}\n')).errors.map((e) => e.where), ['currentContext'], 'a current context that does not exist');
});
