import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InfraRequest } from '../../src/core/protocol/infra.js';
import { RENET_MISMATCH, renetInfra } from '../../src/rdc/remote/commands/renet.js';
import type { RemoteCommand } from '../../src/rdc/remote/command.js';
import { setInfra } from '../../src/rdc/services/infra-service.js';
import { pushInfra } from '../../src/rdc/services/push-infra-service.js';
import { localRenet } from '../../src/rdc/services/renet-bundle.js';
import { says, withBed, type ServiceBed } from './service-deps.js';

/** A bed whose machine m1 has infra settings (an address: no detection exec before the status). */
const withInfra = (work: (bed: ServiceBed) => Promise<void>, opts: { verbose?: boolean } = {}) => withBed(async (bed) => {
  await setInfra(bed.deps, 'm1', { publicIpv4: '203.0.113.50' });
  await work(bed);
}, opts);

const request = (cmd: RemoteCommand) => JSON.parse(String(cmd.stdin)) as InfraRequest;
const running = { proxy: { running: true, container: 'rediacc-proxy-traefik-1', image: 'traefik:v3.7' }, router: { running: true, health: 200 } };

/** `renet infra status` as renet answers for a server already holding every file (or all but `changed`). */
const statusOf = (changed: string[] = []) => (cmd: RemoteCommand) => says({
  plan: request(cmd).files.map((f) => (changed.includes(f.path) ? { op: 'update', path: f.path, cause: 'content changed' } : { op: 'keep', path: f.path, cause: 'unchanged' })),
  pendingSwap: false, ...running,
});

test('a push with nothing to do is one exec: renet infra status, built as the builder builds it', () => withInfra(async (bed) => {
  const runner = bed.script([statusOf()]);
  const r = await pushInfra(bed.deps, 'm1', {});
  assert.deepEqual(runner.titles, ['renet infra status']);
  assert.equal(runner.closed, true, 'the connection is closed');
  assert.equal(r.mode === 'ssh' && r.renet, 'up to date');
  const sent = runner.commands[0] as RemoteCommand;
  const { sha256 } = await localRenet();
  assert.deepEqual(sent, renetInfra('status', '/', sha256, request(sent)), 'the command is exactly the builder\'s');
  assert.deepEqual(Object.keys(request(sent)).sort(), ['files', 'lockTimeoutMs', 'rootPrefix', 'routerPort']);
}));

test('a changed file: status, one upload into a batch of its own, apply of that batch', () => withInfra(async (bed) => {
  const applied = { recovered: false, changed: [{ op: 'update', path: 'etc/rediacc/router.json', cause: 'content changed' }], chmod: [], proxy: 'unchanged', router: 'restarted',
    verify: { ok: true, proxyRunning: true, proxyContainer: 'c', routerHealth: 200 } };
  const runner = bed.script([statusOf(['etc/rediacc/router.json']), says({ staged: 9 }), says(applied)]);
  const r = await pushInfra(bed.deps, 'm1', {});
  assert.deepEqual(runner.titles.map((t) => t.replace(/\d+/, 'N')), ['renet infra status', 'upload N file(s)', 'renet infra apply']);
  const [, stage, apply] = runner.commands as [RemoteCommand, RemoteCommand, RemoteCommand];
  const header = JSON.parse(String(stage.stdin).split('\n')[0] ?? '') as { into: { infra: string } };
  assert.equal(request(apply).batch, header.into.infra, 'apply swaps in the batch this push staged');
  assert.equal(r.mode === 'ssh' && r.uploaded?.map((f) => f.path).join(), 'etc/rediacc/router.json');
}));

test('a renet reply that does not fit names the verb and the field; nothing runs after it', () => withInfra(async (bed) => {
  const runner = bed.script([says({ plan: [], pendingSwap: false, proxy: running.proxy })]);
  await assert.rejects(pushInfra(bed.deps, 'm1', {}), (err: Error) => /^renet infra status replied without "router"/.test(err.message));
  assert.deepEqual(runner.titles, ['renet infra status']);
}));

test('--dry-run on a server without renet plans every file and installs nothing', () => withInfra(async (bed) => {
  const runner = bed.script([{ stdout: `${RENET_MISMATCH}\n` }]);
  const r = await pushInfra(bed.deps, 'm1', { dryRun: true });
  assert.deepEqual(runner.titles, ['renet infra status']);
  assert.ok(r.mode === 'ssh' && r.renet === 'would install' && r.plan.every((p) => p.op === 'create'));
}));

test('--verbose prints every remote command before it runs (the printing runner)', () => withInfra(async (bed) => {
  bed.script([statusOf()]);
  await pushInfra(bed.deps, 'm1', { dryRun: true });
  assert.match(bed.stderr(), /^\$ renet infra status \(root\) <stdin \d+ bytes>: sh -c 'if \[ /m);
}, { verbose: true }));
