import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVER_PATHS } from '../../../src/core/infra/server-layout.js';
import { buildRoutes } from '../../../src/renet/route-server/build-routes.js';
import type { ContainerInfo } from '../../../src/renet/route-server/model.js';
import { emptyState } from '../../../src/renet/route-server/model.js';
import { PinsWatcher, pinsDir } from '../../../src/renet/route-server/pins-watcher.js';
import { selectPublished, type PinTable } from '../../../src/renet/route-server/rollout-select.js';
import { serializePins } from '../../../src/core/repo/rollout-pins.js';
import { waitUntil } from '../../../src/core/util/wait-until.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { BASE_SETTINGS } from './settings.js';

const hex = (n: number) => n.toString(16).padEnd(64, '0');
const box = (n: number, service: string | undefined, ip: string, extra: Record<string, string> = {}): ContainerInfo => ({
  id: hex(n), name: `c${n}`, networkId: 2816, startedAt: `2026-11-21T10:00:0${n}Z`,
  labels: { ...(service ? { 'rediacc.service_name': service } : {}), 'rediacc.service_ip': ip, 'rediacc.network_id': '2816', ...extra },
});
const candidate = { 'rediacc.rollout': 'candidate' };
const pins = (services: Record<string, string>, id = 2816): PinTable => new Map([[id, { services }]]);

test('no pin: the candidate is held back while the old container of its service runs', () => {
  const r = selectPublished([box(1, 'web', '127.0.11.2'), box(2, 'web', '127.0.11.40', candidate)], new Map());
  assert.deepEqual([...r.held], [hex(2)]);
  assert.deepEqual(r.rollouts, [{ networkId: 2816, service: 'web', published: ['c1'], held: ['c2'], by: 'candidate-rule' }]);
});

test('a pin to a running container publishes only it, candidate or not; a short id names the same container', () => {
  const both = [box(1, 'web', '127.0.11.2'), box(2, 'web', '127.0.11.40', candidate)];
  assert.deepEqual([...selectPublished(both, pins({ web: hex(2) })).held], [hex(1)]);
  assert.deepEqual([...selectPublished(both, pins({ web: hex(1) })).held], [hex(2)]);
  assert.deepEqual([...selectPublished(both, pins({ web: hex(2).slice(0, 12) })).held], [hex(1)]);
});

test('a pin to a container that is not running, or in another repo, changes nothing; the candidate rule decides', () => {
  const both = [box(1, 'web', '127.0.11.2'), box(2, 'web', '127.0.11.40', candidate)];
  assert.deepEqual([...selectPublished(both, pins({ web: hex(9) })).held], [hex(2)]);
  assert.deepEqual([...selectPublished(both, pins({ web: hex(2) }, 2880)).held], [hex(2)]);
});

test('only candidates running (the old one died): they are published; one container, or unlabelled ones, are never touched', () => {
  assert.deepEqual(selectPublished([box(2, 'web', '127.0.11.40', candidate)], new Map()), { held: new Set(), rollouts: [] });
  assert.deepEqual(selectPublished([box(1, 'web', '127.0.11.2')], pins({ web: hex(9) })), { held: new Set(), rollouts: [] });
  const noService = [box(1, undefined, '127.0.11.2'), box(2, undefined, '127.0.11.40', candidate)];
  assert.deepEqual(selectPublished(noService, new Map()).held.size, 0);
});

test('two containers of one service that are not candidates still meet the same-repo duplicate check', () => {
  const build = buildRoutes([box(1, 'web', '127.0.11.2'), box(2, 'web', '127.0.11.3')], BASE_SETTINGS, emptyState());
  assert.equal(build.errors.length, 1);
  assert.match(build.errors[0]?.errors[0] ?? '', /already defined by container c1/);
});

test('a held-back candidate with bad labels is still reported', () => {
  const build = buildRoutes([box(1, 'web', '127.0.11.2'), box(2, 'web', '127.0.11.40', { ...candidate, 'rediacc.service_port': 'eighty' })], BASE_SETTINGS, emptyState());
  assert.deepEqual(build.errors, [{ networkId: 2816, container: 'c2', errors: ['rediacc.service_port="eighty" is not a port (a whole number 1-65535)'] }]);
});

test('the pins dir is SERVER_PATHS.routerPins under the router\'s state dir', () => {
  assert.equal(pinsDir('/x/var/lib/rediacc/router'), `/x/${SERVER_PATHS.routerPins}`);
});

test('PinsWatcher creates the dir root-only, and follows files renamed into it and removed', async () => {
  const state = join(tempDir('rdc-pins-'), 'router');
  const dir = pinsDir(state);
  let changes = 0;
  const w = new PinsWatcher(dir, () => changes++, () => {});
  await w.start();
  try {
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    writeFileSync(join(state, 'tmp'), serializePins({ services: { web: hex(2) } }));
    renameSync(join(state, 'tmp'), join(dir, '2816.json'));
    writeFileSync(join(dir, 'notes.txt'), 'not a pins file');
    mkdirSync(join(dir, '17.json'));
    const seen = await waitUntil(() => (w.pins.get(2816)?.services.web === hex(2) ? true : undefined), { timeoutMs: 5000 });
    assert.equal(seen, true, 'the watch saw the renamed file');
    assert.deepEqual([...w.pins.keys()], [2816]);
    rmSync(join(dir, '2816.json'));
    assert.equal(await waitUntil(() => (w.pins.size === 0 ? true : undefined), { timeoutMs: 5000 }), true, 'the removal was seen');
    assert.ok(changes >= 2);
  } finally {
    w.close();
  }
});

test('PinsWatcher: a symlinked pins file is not followed and a FIFO is not waited on; the other repos\' pins are read', async () => {
  const state = join(tempDir('rdc-pins-odd-'), 'router');
  const dir = pinsDir(state);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(state, 'elsewhere.json'), serializePins({ services: { web: hex(3) } }));
  symlinkSync(join(state, 'elsewhere.json'), join(dir, '2880.json'));
  execFileSync('mkfifo', [join(dir, '2944.json')]);
  writeFileSync(join(dir, '2816.json'), serializePins({ services: { web: hex(2) } }));
  const w = new PinsWatcher(dir, () => {}, () => {});
  try {
    await w.start();
    assert.deepEqual([...w.pins.keys()], [2816], 'only the regular file counts');
    assert.equal(w.pins.get(2816)?.services.web, hex(2));
  } finally {
    w.close();
  }
});
