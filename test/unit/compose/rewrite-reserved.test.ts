import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteCompose } from '../../../src/core/compose/rewrite.js';
import { candidateServiceName } from '../../../src/renet/rollout/candidate.js';
import { isCandidateServiceName } from '../../../src/core/repo/rollout-pins.js';

const rewrite = (services: Record<string, unknown>) => rewriteCompose({ services }, 2816, { services: {} });

test('a service named like a rollout candidate is refused (it would be overwritten and removed as a leftover); near names pass', () => {
  for (const name of ['web--candidate-40', 'web--candidate-0', 'WEB--CANDIDATE-61', candidateServiceName('a.b', '127.0.11.62')]) {
    assert.equal(isCandidateServiceName(name), true, name);
    const r = rewrite({ [name]: { image: 'x' }, db: { image: 'y' } });
    assert.deepEqual(r.errors, [`service ${name}: names ending in --candidate-NUMBER are renet's, for the new container of a zero-downtime rollout; rename the service`]);
    assert.equal(r.slots.services[name], undefined, 'no slot given');
  }
  for (const name of ['web-candidate-40', 'web--candidate', 'web--candidate-x', 'candidate-4', 'web--candidate-40a']) {
    assert.equal(isCandidateServiceName(name), false, name);
    assert.deepEqual(rewrite({ [name]: { image: 'x' } }).errors, [], name);
  }
});

test('a user\'s own rediacc.rollout label is refused whatever its value or form (map or list): only renet marks a candidate', () => {
  for (const labels of [{ 'rediacc.rollout': 'candidate' }, { 'rediacc.rollout': ' candidate ' }, { 'rediacc.rollout': '' }, ['rediacc.rollout=candidate'], ['rediacc.rollout']]) {
    const r = rewrite({ web: { image: 'x', labels } });
    assert.deepEqual(r.errors, ['service web: the label rediacc.rollout is set by renet during a zero-downtime rollout; remove it from the compose file'], JSON.stringify(labels));
  }
});

test('health labels are checked for every service at the edge, not only when a rollout reads them', () => {
  const r = rewrite({ web: { image: 'x', labels: { 'rediacc.healthcheck.path': '//evil.example/', 'rediacc.drain_timeout': '-1s' } }, ok: { image: 'y', labels: { 'rediacc.healthcheck.path': '/health' } } });
  assert.equal(r.errors.length, 2);
  assert.match(r.errors[0] as string, /^service web: rediacc\.healthcheck\.path="\/\/evil\.example\/" must be/);
  assert.match(r.errors[1] as string, /^service web: rediacc\.drain_timeout="-1s" must be a duration/);
});
