import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { leftoverFate, planServices, restArgs, upServices, upTargets, type ObservedContainer, type PlanInput } from '../../../src/renet/rollout/plan.js';

const H = (c: string) => c.repeat(64);
const running = (service: string, hash: string, extra: Partial<ObservedContainer> = {}): ObservedContainer => ({ id: `${service}-id`, service, configHash: hash, candidate: false, labels: {}, ...extra });

function plan(over: Partial<PlanInput>) {
  const input: PlanInput = { hashes: {}, images: {}, running: [], routed: () => true, serving: () => true, wildcard: () => undefined, slotFree: true, forceRecreate: false, ...over };
  return planServices(input).map((p) => `${p.service} ${p.action}: ${p.reason}`);
}

describe('rollout plan: the action per service from observed hashes, images and labels', () => {
  test('new, unchanged, changed routed (switch) and changed unrouted (recreate)', () => {
    assert.deepEqual(plan({
      hashes: { api: H('a'), db: H('b'), web: H('c'), worker: H('d') },
      running: [running('db', H('b')), running('web', H('0')), running('worker', H('0'))],
      routed: (s) => s === 'web' || s === 'api',
    }), [
      'api create: no container runs',
      'db unchanged: config and image unchanged',
      'web switch: config changed',
      'worker recreate: config changed; no route, compose recreates it',
    ]);
  });

  test('the image id compose v2 records counts: a re-tagged image is a change', () => {
    assert.deepEqual(plan({
      hashes: { web: H('c') }, images: { web: 'sha256:new' },
      running: [running('web', H('c'), { imageId: 'sha256:old' })],
    }), ['web switch: image changed']);
    // v1 records no image label (its hash covers the image): the hash decides.
    assert.deepEqual(plan({ hashes: { web: H('c') }, images: { web: 'sha256:new' }, running: [running('web', H('c'))] }), ['web unchanged: config and image unchanged']);
  });

  test('a candidate left running is not the service\'s container; no free address means compose\'s recreate', () => {
    assert.deepEqual(plan({ hashes: { web: H('c') }, running: [running('web', H('c'), { candidate: true })] }), ['web create: no container runs']);
    assert.deepEqual(plan({ hashes: { web: H('c') }, running: [running('web', H('0'))], slotFree: false }),
      ["web recreate: config changed; no free address in the repo's /26 for a second container"]);
  });

  test('a routed service whose container listens nowhere its route leads (a worker) is recreated by compose', () => {
    assert.deepEqual(plan({ hashes: { worker: H('c') }, running: [running('worker', H('0'))], serving: () => false }),
      ['worker recreate: config changed; nothing listens where its route leads, compose recreates it']);
  });

  test('a routed service listening on every address is recreated by compose: a second container could not bind beside it', () => {
    assert.deepEqual(plan({ hashes: { 'my-web': H('c') }, running: [running('my-web', H('0'))], wildcard: () => '0.0.0.0:8080' }),
      ['my-web recreate: config changed; it listens on every address (0.0.0.0:8080), so a second container cannot bind beside it (bind ${MY_WEB_IP} for zero downtime), compose recreates it']);
  });

  test('--force-recreate replaces even an unchanged service', () => {
    assert.deepEqual(plan({ hashes: { web: H('c') }, running: [running('web', H('c'))], forceRecreate: true }), ['web switch: --force-recreate']);
  });
});

describe('up arguments', () => {
  test('services, flags with values and the flags that change replacing', () => {
    assert.deepEqual(upTargets(['-d', '--timeout', '5', 'web', '--force-recreate', 'db']), { services: ['web', 'db'], flags: ['-d', '--timeout', '5', '--force-recreate'], forceRecreate: true, noReplace: false, noDeps: false });
    assert.equal(upTargets(['web', '--no-deps']).noDeps, true);
    assert.equal(upTargets(['-d', '--no-recreate']).noReplace, true);
    assert.equal(upTargets(['--no-start']).noReplace, true);
    assert.deepEqual(upTargets(['-d', '--scale', 'web=1']).services, []);
  });
});

describe('what up acts on', () => {
  const services = { web: { depends_on: { api: {} } }, api: { depends_on: ['db'] }, db: {}, worker: {} };
  test('named services bring their dependencies (compose recreates a changed one too), transitively; not with --no-deps', () => {
    assert.deepEqual(upServices(services, upTargets(['-d'])), ['api', 'db', 'web', 'worker']);
    assert.deepEqual(upServices(services, upTargets(['-d', 'web'])), ['api', 'db', 'web']);
    assert.deepEqual(upServices(services, upTargets(['-d', '--no-deps', 'web'])), ['web']);
    assert.deepEqual(upServices({ a: { depends_on: { b: {} } }, b: { depends_on: { a: {} } } }, upTargets(['a'])), ['a', 'b'], 'a cycle ends');
  });

  test('--force-recreate after a switch names every other service acted on, with --no-deps, so no switched service is recreated again as a dependency', () => {
    const t = upTargets(['-d', '--force-recreate', 'web']);
    assert.deepEqual(restArgs(t, ['api'], upServices(services, t)), ['-d', '--force-recreate', '--no-deps', 'db', 'web']);
    assert.equal(restArgs(t, ['api', 'db', 'web'], upServices(services, t)), undefined, 'all switched: nothing left to run');
    const plain = upTargets(['-d', 'web']);
    assert.deepEqual(restArgs(plain, ['api'], upServices(services, plain)), ['-d', 'web'], 'without it the switched services are up to date');
  });
});

test('a candidate left by an earlier rollout: removed when it never served; kept while pinned, unless compose recreates its service (the pin would hold the route on it)', () => {
  const c = running('web', H('a'), { id: 'cand', candidate: true });
  assert.equal(leftoverFate(c, new Set(), new Set()), 'remove');
  assert.equal(leftoverFate(c, new Set(), new Set(['web'])), 'remove');
  assert.equal(leftoverFate(c, new Set(['cand']), new Set()), 'keep');
  assert.equal(leftoverFate(c, new Set(['cand']), new Set(['api'])), 'keep');
  assert.equal(leftoverFate(c, new Set(['cand']), new Set(['web'])), 'unpin-remove');
});
