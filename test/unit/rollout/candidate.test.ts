import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serviceIp } from '../../../src/core/infra/network.js';
import { candidateAddress, candidateModel, candidateServiceName, parseHashes } from '../../../src/renet/rollout/candidate.js';

const ID = 2816 + 64 * 3;

describe('the candidate (pure parts)', () => {
  test('its address: the highest slot neither .rediacc.json nor a running container holds', () => {
    const slots = { services: { web: { slot: 0 }, db: { slot: 60 } } };
    assert.equal(candidateAddress(ID, slots, []), serviceIp(ID, 59));
    assert.equal(candidateAddress(ID, slots, [serviceIp(ID, 59)]), serviceIp(ID, 58));
    const full = { services: Object.fromEntries(Array.from({ length: 61 }, (_, i) => [`s${i}`, { slot: i }])) };
    assert.equal(candidateAddress(ID, full, []), undefined);
  });

  test('its model: a copy of the service under its own name, relabelled, without depends_on or container_name; the rest kept', () => {
    const model = {
      name: 'my-app',
      services: {
        web: { image: 'app:2', container_name: 'web', depends_on: { db: { condition: 'service_started' } }, environment: { BIND: '127.0.11.60' }, labels: { 'rediacc.service_name': 'web', 'rediacc.service_ip': '127.0.11.2', 'rediacc.service_port': '8080' } },
        db: { image: 'db:1' },
      },
      volumes: { data: {} },
    };
    const out = candidateModel(model, 'web', '127.0.11.60') as { services: Record<string, Record<string, unknown>>; volumes: unknown };
    assert.deepEqual(Object.keys(out.services).sort(), ['db', 'web', 'web--candidate-60']);
    assert.deepEqual(out.services.web, model.services.web, 'the service itself is untouched');
    assert.deepEqual(out.services['web--candidate-60'], {
      image: 'app:2', environment: { BIND: '127.0.11.60' },
      labels: { 'rediacc.service_name': 'web', 'rediacc.service_ip': '127.0.11.60', 'rediacc.service_port': '8080', 'rediacc.rollout': 'candidate' },
    });
    assert.deepEqual(out.volumes, { data: {} }, 'named volumes are the project\'s, shared');
    assert.equal(candidateServiceName('my.web', '127.0.11.61'), 'my.web--candidate-61');
    assert.throws(() => candidateModel(model, 'nope', '127.0.11.60'), /no service nope/);
  });

  test('compose config --hash output', () => {
    assert.deepEqual(parseHashes(`db ${'a'.repeat(64)}\nweb ${'b'.repeat(64)}\nnoise\n`), { db: 'a'.repeat(64), web: 'b'.repeat(64) });
  });
});

test('the candidate is one container whatever the service\'s scale or replicas (the rollout gates, pins and removes one)', () => {
  const model = { services: { web: { image: 'app:2', scale: 3, deploy: { replicas: 3, resources: { limits: { memory: '1g' } } } } } };
  const out = candidateModel(model, 'web', '127.0.11.60') as { services: Record<string, Record<string, unknown>> };
  const c = out.services['web--candidate-60'] as Record<string, unknown>;
  assert.equal(c.scale, undefined);
  assert.deepEqual(c.deploy, { replicas: 1, resources: { limits: { memory: '1g' } } });
  assert.deepEqual(out.services.web, model.services.web, 'the service itself keeps its replicas');
});
