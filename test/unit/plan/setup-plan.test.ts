import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFacts, planSetup } from '../../../src/plan/setup-plan.js';

const probe = (over: Record<string, string>) => parseFacts(Object.entries({
  os: 'debian', os_like: '', os_name: 'Debian GNU/Linux 12 (bookworm)', docker: '20.10.24', dockerd: '/usr/sbin/dockerd',
  compose_v2: '', compose_v1: '/usr/bin/docker-compose', node: 'v20.20.2', uid: '0', apt: '/usr/bin/apt-get', systemd: 'no', ...over,
}).map(([k, v]) => `${k}=${v}`).join('\n'));

test('everything present: nothing to install', () => {
  const plan = planSetup(probe({}));
  assert.deepEqual(plan.install, []);
  assert.equal(plan.refusal, undefined);
  assert.deepEqual(plan.steps.map((s) => s.detail), ['Docker Engine 20.10.24', 'docker-compose (v1)', 'Node.js v20.20.2']);
});

test('Debian or Ubuntu with things missing: apt packages', () => {
  const plan = planSetup(probe({ docker: '', dockerd: '', compose_v1: '', node: 'v16.20.0', uid: '1000' }));
  assert.deepEqual(plan.install, ['docker.io', 'docker-compose', 'nodejs']);
  assert.match(plan.steps[2]?.detail ?? '', /renet needs >= 18/);
  assert.deepEqual(planSetup(probe({ os: 'ubuntu', os_like: 'debian', node: '' })).install, ['nodejs']);
});

test('other systems are refused politely when something is missing, accepted when not', () => {
  const alpine = planSetup(probe({ os: 'alpine', os_name: 'Alpine Linux v3.20', apt: '', node: '' }));
  assert.match(alpine.refusal ?? '', /Alpine Linux v3.20 is not a system rdc installs packages on \(Debian and Ubuntu are\)\. Install Node.js >= 18 yourself/);
  assert.deepEqual(alpine.install, []);
  assert.equal(planSetup(probe({ os: 'alpine', apt: '' })).refusal, undefined);
  assert.match(planSetup(probe({ docker: '' })).refusal ?? '', /daemon does not answer/);
});
