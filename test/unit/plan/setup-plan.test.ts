import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aptFailure, parseFacts, planSetup } from '../../../src/core/plan/setup-plan.js';

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

test('an apt failure names the packages apt named, in apt\'s words', () => {
  const asked = ['docker.io', 'docker-compose', 'nodejs'];
  const noCandidate = aptFailure('install', asked, "Reading package lists...\nPackage nodejs is not available, but is referred to by another package.\nE: Package 'nodejs' has no installation candidate\n");
  assert.deepEqual(noCandidate.packages, ['nodejs']);
  assert.equal(noCandidate.message, "apt could not install nodejs (asked for docker.io, docker-compose, nodejs; nothing was installed): Package 'nodejs' has no installation candidate");
  const unknown = aptFailure('install', ['docker.io'], 'E: Unable to locate package docker.io');
  assert.deepEqual(unknown.packages, ['docker.io']);
  assert.equal(unknown.message, 'apt could not install docker.io: Unable to locate package docker.io');
  // 'docker.io' must not match inside another name, nor 'docker' in 'docker-compose'.
  const unmet = aptFailure('install', asked, 'The following packages have unmet dependencies:\n docker-compose : Depends: python3-docker (>= 5) but it is not going to be installed\nE: Unable to correct problems, you have held broken packages.');
  assert.deepEqual(unmet.packages, ['docker-compose']);
  assert.match(unmet.message, /^apt could not install docker-compose .*: docker-compose : Depends: python3-docker .*; Unable to correct problems/);
});

test('an apt failure that names no package, or a failed update, still says what apt said', () => {
  const locked = aptFailure('install', ['nodejs'], 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 42 (apt-get)');
  assert.deepEqual(locked.packages, []);
  assert.equal(locked.message, 'apt could not install nodejs: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 42 (apt-get)');
  const update = aptFailure('update', ['nodejs'], 'Err:1 http://deb.debian.org/debian bookworm InRelease\n  Could not connect\nE: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Could not connect');
  assert.match(update.message, /^apt-get update failed, nothing was installed: Failed to fetch http:\/\/deb\.debian\.org/);
  assert.equal(aptFailure('install', ['nodejs'], '').message, 'apt could not install nodejs: no output');
});
