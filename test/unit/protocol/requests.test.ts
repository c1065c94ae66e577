import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RdcError } from '../../../src/core/errors.js';
import { parseInfraRequest } from '../../../src/core/protocol/infra.js';
import { parseLifecycleRequest } from '../../../src/core/protocol/lifecycle.js';
import { parseMachineRequest } from '../../../src/core/protocol/machine.js';
import { parseRepoDaemonRequest } from '../../../src/core/protocol/repo-daemon.js';
import { parseRepoRequest } from '../../../src/core/protocol/repo-request.js';

const repo = {
  rootPrefix: '/', datastore: '/mnt/rediacc', routerPort: 7111, name: 'my-app', guid: '0f8e5c1a-9d4b-4c2e-8a6f-3b7d9e1c2a40',
  networkId: 2880, volume: 'auto', sizeBytes: 1 << 30, credential: 'c3VwZXI', mount: true,
  manifest: [{ path: 'compose.yaml', sha256: 'a'.repeat(64), mode: 0o644 }],
};
const infra = { rootPrefix: '/', routerPort: 7111, files: [{ path: 'etc/rediacc/router.json', sha256: 'b'.repeat(64), mode: 0o600 }], batch: 'abcdef0123' };

/** The message of the error a request that does not fit becomes (an RdcError, never a bare JSON or type error). */
function refused(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof RdcError, `${String(err)} is not an RdcError`);
    return err.message;
  }
  assert.fail('the request was accepted');
}

test('a request rdc sends comes back as it came, typed', () => {
  assert.deepEqual(parseRepoRequest('up', JSON.stringify(repo)), repo);
  assert.deepEqual(parseInfraRequest('apply', JSON.stringify(infra)), infra);
  assert.deepEqual(parseMachineRequest('status', JSON.stringify({ rootPrefix: '/srv/t', routerPort: 7111, datastore: '/mnt/rediacc' })).rootPrefix, '/srv/t');
  assert.equal(parseRepoDaemonRequest('start', JSON.stringify({ rootPrefix: '/', networkId: 2816, dataRoot: '/mnt/rediacc/mounts/x/.docker', name: 'x' })).networkId, 2816);
  assert.equal(parseLifecycleRequest(JSON.stringify({ repoPath: '/r', phase: 'prep-only', env: { A: '1' } })).phase, 'prep-only');
  assert.equal(parseLifecycleRequest(JSON.stringify({ repoPath: "/tmp/my-app it's", phase: 'up', env: {} })).repoPath, "/tmp/my-app it's", 'any directory: renet lifecycle only runs its Rediaccfiles');
});

test('empty or non-JSON stdin names the verb and says what renet wanted', () => {
  assert.match(refused(() => parseMachineRequest('status', '')), /^renet machine status reads a JSON request on stdin and got nothing/);
  assert.match(refused(() => parseRepoRequest('up', '  \n')), /^renet repo up reads a JSON request on stdin and got nothing/);
  assert.match(refused(() => parseInfraRequest('apply', 'rootPrefix=/')), /^renet infra apply reads a JSON request on stdin and got text that is not JSON/);
  assert.match(refused(() => parseLifecycleRequest('[]')), /^renet lifecycle: the request on stdin was \[\], not an object/);
});

test('a missing or ill-typed field is named with its path', () => {
  const without = (o: Record<string, unknown>, key: string) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([k]) => k !== key)));
  for (const key of ['rootPrefix', 'datastore', 'routerPort', 'name', 'guid', 'networkId', 'volume', 'sizeBytes', 'credential']) {
    assert.equal(refused(() => parseRepoRequest('up', without(repo, key))), `renet repo up: the request on stdin came without "${key}".`);
  }
  assert.match(refused(() => parseInfraRequest('status', JSON.stringify({ ...infra, routerPort: '7111' }))), /came with "routerPort" as "7111", not an integer/);
  assert.match(refused(() => parseInfraRequest('status', JSON.stringify({ ...infra, files: [{ path: 'a', sha256: 'x', mode: 420 }] }))), /"files\[0\]\.sha256" as "x", not 64 hex digits/);
});

test('fields renet builds paths from are checked as rdc checks its config: no relative or .. path, no bad name, GUID or network ID', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['relative rootPrefix', () => parseMachineRequest('status', JSON.stringify({ rootPrefix: 'srv', routerPort: 1 })), /"rootPrefix" as "srv", not an absolute path/],
    ['.. in the datastore', () => parseRepoRequest('up', JSON.stringify({ ...repo, datastore: '/mnt/../etc' })), /"datastore" as .*not an absolute path/],
    ['a name with a slash', () => parseRepoRequest('up', JSON.stringify({ ...repo, name: '../x' })), /"name" as "\.\.\/x", not a repository name/],
    ['a bad GUID', () => parseRepoRequest('up', JSON.stringify({ ...repo, guid: 'x; rm -rf /' })), /"guid" as .*not a GUID/],
    ['a network ID off the grid', () => parseRepoDaemonRequest('stop', JSON.stringify({ rootPrefix: '/', networkId: 2817, dataRoot: '/d' })), /"networkId" as 2817, not a network ID/],
    ['a port out of range', () => parseRepoRequest('up', JSON.stringify({ ...repo, routerPort: 70000 })), /"routerPort" as 70000, not a port/],
    ['an unknown volume kind', () => parseRepoRequest('create', JSON.stringify({ ...repo, volume: 'zfs' })), /"volume" as "zfs", not one of luks, image, directory, auto/],
    ['a manifest path with ..', () => parseRepoRequest('up', JSON.stringify({ ...repo, manifest: [{ path: '../x', sha256: 'a'.repeat(64), mode: 420 }] })), /"manifest\[0\]\.path" as "\.\.\/x", not a path relative to the tree/],
    ['an absolute infra file path', () => parseInfraRequest('apply', JSON.stringify({ ...infra, files: [{ path: '/etc/passwd', sha256: 'a'.repeat(64), mode: 420 }] })), /"files\[0\]\.path"/],
    ['a batch that is not hex', () => parseInfraRequest('apply', JSON.stringify({ ...infra, batch: '../../tmp' })), /"batch" as "\.\.\/\.\.\/tmp", not 8 to 64 hex digits/],
    ['an unknown phase', () => parseLifecycleRequest(JSON.stringify({ repoPath: '/r', phase: 'sideways', env: {} })), /"phase" as "sideways", not one of up, down, prep-only/],
    ['an env value that is not a string', () => parseLifecycleRequest(JSON.stringify({ repoPath: '/r', phase: 'up', env: { A: 1 } })), /"env\.A" as 1, not a string/],
  ];
  for (const [what, parse, message] of bad) assert.match(refused(parse), message, what);
});

test('the credential never appears in a refusal', () => {
  const secret = 'S3cr3t-credential-value';
  const message = refused(() => parseRepoRequest('up', JSON.stringify({ ...repo, credential: secret, name: 'bad/name' })));
  assert.doesNotMatch(message, new RegExp(secret));
});
