import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExitCode, RdcError } from '../../src/core/errors.js';
import type { RepoRequest } from '../../src/core/protocol/repo-request.js';
import type { RemoteCommand } from '../../src/rdc/remote/command.js';
import { repoCreate } from '../../src/rdc/services/repo-service.js';
import { repoUp } from '../../src/rdc/services/repo-up-service.js';
import { says, withBed, type ServiceBed } from './service-deps.js';

/** A source directory: a Rediaccfile that needs no compose file, and one page. */
function source(bed: ServiceBed): string {
  const dir = join(bed.dir, 'app');
  mkdirSync(join(dir, 'www'), { recursive: true });
  writeFileSync(join(dir, 'Rediaccfile'), 'up() { :; }\ndown() { :; }\n');
  writeFileSync(join(dir, 'www/index.html'), '<h1>hello</h1>\n');
  return dir;
}

const request = (cmd: RemoteCommand) => JSON.parse(String(cmd.stdin)) as RepoRequest;
const exitOf = (err: unknown) => (err instanceof RdcError ? err.exitCode : undefined);

test('repo up uploads only what renet lacks, then asks again with the same request', () => withBed(async (bed) => {
  const dir = source(bed);
  const lacking = (cmd: RemoteCommand) => {
    const page = request(cmd).manifest?.find((f) => f.path === 'www/index.html');
    return says({ ok: true, exists: true, created: true, volume: 'directory', mounted: true, mountAction: 'mounted', needUpload: [page?.sha256], incoming: '/mnt/rediacc/mounts/g/.rediacc/incoming' });
  };
  const done = says({ ok: true, exists: true, volume: 'directory', mounted: true, daemon: 'started', steps: [], routes: [], routesSettled: true });
  const runner = bed.script([lacking, says({ staged: 1 }), done]);
  const r = await repoUp(bed.deps, 'app', { machine: 'm1', path: dir, mount: true });
  assert.deepEqual(runner.titles, ['renet repo up', 'upload 1 file(s)', 'renet repo up']);
  const [first, stage, again] = runner.commands as [RemoteCommand, RemoteCommand, RemoteCommand];
  assert.deepEqual(stage.stdinFiles, [join(dir, 'www/index.html')], 'only the lacking file travels, streamed from disk');
  assert.match(String(stage.stdin), /"into":\{"incoming":"\/mnt\/rediacc\/mounts\/g\/\.rediacc\/incoming"\}/, 'into the dir renet named');
  assert.deepEqual(request(again), request(first));
  assert.equal(r.dryRun, false);
  assert.equal((await bed.deps.store.read()).config.contexts.default?.repositories.app?.volume, 'directory', 'the new repo is in the config');
}));

test('refusals that need no server happen before any connection', () => withBed(async (bed) => {
  const dir = source(bed);
  // A new repo without --mount: creating it makes a volume that up would have to mount.
  await assert.rejects(repoUp(bed.deps, 'app', { machine: 'm1', path: dir }), (err) => exitOf(err) === ExitCode.usage && /does not exist yet/.test((err as Error).message));
  // A source with no Rediaccfile: nothing leaves the workstation.
  const empty = join(bed.dir, 'empty');
  mkdirSync(empty);
  await assert.rejects(repoUp(bed.deps, 'app', { machine: 'm1', path: empty, mount: true }), (err) => exitOf(err) === ExitCode.usage && /Rediaccfile/.test((err as Error).message));
  await assert.rejects(repoCreate(bed.deps, 'app', { machine: 'm1', size: 'lots' }), (err) => exitOf(err) === ExitCode.usage && /^--size/.test((err as Error).message));
  await assert.rejects(repoCreate(bed.deps, 'app', { machine: 'm1', volume: 'zfs' as 'auto' }), (err) => exitOf(err) === ExitCode.usage && /^--volume/.test((err as Error).message));
  assert.equal(bed.connections(), 0, 'no connection was opened');
  assert.equal((await bed.deps.store.read()).config.contexts.default?.repositories.app, undefined, 'nothing was recorded');
}));

test('renet refusing (no infra yet) is exit 2 after one exec: nothing uploaded, nothing recorded', () => withBed(async (bed) => {
  const runner = bed.script([says({ ok: false, exists: false, refused: 'no-infra', message: 'this machine has no infra yet (no route server config)' })]);
  await assert.rejects(repoUp(bed.deps, 'app', { machine: 'm1', path: source(bed), mount: true }),
    (err) => exitOf(err) === ExitCode.usage && /has no infra yet: nothing was changed/.test((err as Error).message));
  assert.deepEqual(runner.titles, ['renet repo up']);
  assert.equal(runner.closed, true);
  assert.equal((await bed.deps.store.read()).config.contexts.default?.repositories.app, undefined);
}));
