import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RdcError } from '../../../src/core/errors.js';
import { checkReply } from '../../../src/core/protocol/check.js';
import { infraApplyReply, infraStatusReply } from '../../../src/core/protocol/infra.js';
import { machinePortsReply, machineStatusReply } from '../../../src/core/protocol/machine.js';
import { repoReply, stepOutcome } from '../../../src/core/protocol/repo-reply.js';
import { stageReply } from '../../../src/core/protocol/stage.js';
import { readRenetReply, RENET_MISMATCH } from '../../../src/rdc/remote/commands/renet.js';
import { ROOT } from '../../helpers/paths.js';

const health = { status: 'ok', routers: 1, services: 1, autoRoutes: 1, autoRoutesEnabled: true, daemons: [], conflicts: [], errors: [],
  proxy: { file: 'rediacc-routes.yml', writtenAt: null, loadedAt: null, synced: true, cause: null } };
const status = {
  traefik: { running: true, container: 'p', image: 'traefik:v3.7', fileErrors: [] },
  router: { supervisedBy: 'systemd', httpStatus: 200, health },
  certResolver: null, baseDomain: null, backends: [], repoVolumes: [], repos: [],
  acme: { storage: { exists: false, mode: null }, certificates: [], errors: [] },
};

/** The RdcError a reply that does not fit becomes, with its message. */
function misfit(verb: string, check: Parameters<typeof checkReply>[1], value: unknown): string {
  try {
    checkReply(verb, check, value);
  } catch (err) {
    assert.ok(err instanceof RdcError, String(err));
    assert.doesNotMatch(err.message, /bug/i);
    return err.message;
  }
  assert.fail('the reply was accepted');
}

test('a reply that fits comes back as it came, fields rdc does not read included', () => {
  assert.equal(checkReply('machine status', machineStatusReply, status), status);
  assert.equal((checkReply('machine status', machineStatusReply, status).router.health as { autoRoutesEnabled?: boolean }).autoRoutesEnabled, true);
  assert.equal(checkReply('machine ports', machinePortsReply, null), null);
  assert.deepEqual(checkReply('stage', stageReply, { staged: 3 }), { staged: 3 });
});

test('a missing field is named with the verb and its dotted path', () => {
  const { synced: _, ...proxy } = health.proxy;
  assert.equal(misfit('machine status', machineStatusReply, { ...status, router: { ...status.router, health: { ...health, proxy } } }).split(';')[0],
    'renet machine status replied without "router.health.proxy.synced"');
  assert.match(misfit('infra status', infraStatusReply, { plan: [], pendingSwap: false, proxy: { running: true, container: null, image: null } }), /^renet infra status replied without "router"/);
});

test('a field of the wrong kind is named with what came and what the protocol says', () => {
  const plan = [{ op: 'keep', path: 'etc/rediacc/router.json', cause: 'unchanged' }, { op: 'move', path: 'x', cause: '' }];
  assert.match(misfit('infra status', infraStatusReply, { plan, pendingSwap: false, proxy: { running: true, container: null, image: null }, router: { running: true, health: 200 } }),
    /^renet infra status replied "plan\[1\]\.op" as "move", not one of create, update, chmod, keep/);
  assert.match(misfit('infra apply', infraApplyReply, null), /^renet infra apply replied null, not an object/);
  assert.match(misfit('repo up', repoReply, { ok: true, exists: true, needUpload: ['ab', 3] }), /^renet repo up replied "needUpload\[1\]" as 3, not a string/);
  assert.match(misfit('machine ports', machinePortsReply, { tcp: [], udp: [{ port: '53' }] }), /"udp\[0\]\.port" as "53", not an integer/);
});

test('readRenetReply: the last line, checked; a missing or other renet is undefined, not an error', () => {
  assert.deepEqual(readRenetReply('repo status', repoReply, 'warning\n{"ok":true,"exists":false}\n'), { ok: true, exists: false });
  assert.equal(readRenetReply('repo status', repoReply, `${RENET_MISMATCH}\n`), undefined);
  assert.throws(() => readRenetReply('repo status', repoReply, '{"ok":true}\n'), /renet repo status replied without "exists"/);
});

/** What the bundled renet prints for `args`, given `request` on stdin. */
async function renetSays(args: string[], request: unknown): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  const closed = once(child, 'close');
  child.stdin.end(JSON.stringify(request));
  const [code] = await closed;
  assert.equal(code, 0, `renet ${args.join(' ')} exited ${code}`);
  return Buffer.concat(chunks).toString('utf8');
}

test('what renet itself prints on an empty server fits the checks rdc reads it with', async () => {
  const rootPrefix = mkdtempSync(join(tmpdir(), 'rdc-protocol-'));
  try {
    const port = await closedPort();
    const machine = { rootPrefix, routerPort: port, datastore: '/mnt/rediacc' };
    const seen = readRenetReply('machine status', machineStatusReply, await renetSays(['machine', 'status'], machine));
    assert.equal(seen?.router.httpStatus, 0, 'no route server here');
    assert.equal(seen?.traefik.running, false);
    assert.equal(readRenetReply('machine ports', machinePortsReply, await renetSays(['machine', 'ports'], machine)), null);
    const infra = readRenetReply('infra status', infraStatusReply, await renetSays(['infra', 'status'], { rootPrefix, routerPort: port, files: [{ path: 'etc/rediacc/router.json', sha256: 'a'.repeat(64), mode: 0o644 }] }));
    assert.deepEqual(infra?.plan, [{ op: 'create', path: 'etc/rediacc/router.json', cause: 'not there yet' }]);
  } finally {
    rmSync(rootPrefix, { recursive: true, force: true });
  }
});

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

test('a repo reply whose routes do not fit the route owners is named by field, not a TypeError later', () => {
  assert.throws(() => checkReply('repo up', repoReply, { ok: true, exists: true, routes: [{ kind: 'x' }] }),
    (err: unknown) => err instanceof RdcError && /renet repo up replied "routes" as routes\[0\]\.kind is "x", not http, tcp or udp/.test(err.message));
  const owner = { kind: 'http', router: 'auto-web-2816', networkId: 2816, service: 'web', container: 'c', level: 1, hosts: ['web-2816.example.com'], ports: [], entryPoints: ['web'], backends: ['http://127.0.11.2:80'] };
  assert.deepEqual(checkReply('repo up', repoReply, { ok: true, exists: true, routes: [owner] }).routes, [owner]);
});

test('a failed step says how it ended: its exit code, or refused before it ran (no code), never "exited null"', () => {
  assert.equal(stepOutcome({ code: 3 }), 'exited 3');
  assert.equal(stepOutcome({ code: null }), 'was refused');
});
