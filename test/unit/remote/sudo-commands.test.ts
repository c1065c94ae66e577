import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { command, toShell, type RemoteCommand } from '../../../src/rdc/remote/command.js';
import { installRenet, renetInfra, renetMachine, renetPath, renetRepo, renetStage } from '../../../src/rdc/remote/commands/renet.js';
import { repoLogs } from '../../../src/rdc/remote/commands/repo-logs.js';
import { aptInstall, aptUpdate, makeDirs, probeServer } from '../../../src/rdc/remote/commands/setup.js';
import { needsSudo, sudoRefusal } from '../../../src/rdc/remote/sudo.js';
import { stageCommand } from '../../../src/renet/infra/stage.js';
import { ExitCode } from '../../../src/core/errors.js';

const SHA = 'a'.repeat(64);
const hash = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const SECRET = 'cf-token-Zx9_secret';

test('toShell puts sudo -n in front of a command that needs root, for a user other than root only', () => {
  const rooted = command('t', ['mkdir', '-p', '/opt/rediacc/bin'], { root: true, env: { A: 'b c' } });
  assert.equal(toShell(rooted, true), "sudo -n env A='b c' mkdir -p /opt/rediacc/bin");
  assert.equal(toShell(rooted, false), "env A='b c' mkdir -p /opt/rediacc/bin", 'root: exactly as before, no sudo');
  assert.equal(toShell(command('t', ['ip', 'route']), true), 'ip route', 'a command that does not need root never gets sudo');
  assert.deepEqual([needsSudo({ user: 'root' }), needsSudo({ user: 'deploy' })], [false, true]);
});

test('every command that touches the server\'s state needs root; secrets travel on stdin, never in the argv sudo logs', () => {
  // A secret in any request (none of infra's or machine's carries one today) must stay on stdin too.
  const secret = { credential: SECRET, cfDnsApiToken: SECRET };
  const infra = { rootPrefix: '/', files: [], routerPort: 7111, ...secret };
  const repo = { rootPrefix: '/', datastore: 'mnt/rediacc', routerPort: 7111, name: 'app', guid: '0f8fad5b-d9cb-469f-a165-70867728950e', networkId: 2816, volume: 'auto' as const, sizeBytes: 1, ...secret };
  const all: RemoteCommand[] = [
    renetInfra('status', '/', SHA, infra), renetInfra('apply', '/', SHA, infra), renetMachine('routes', '/', SHA, infra),
    renetRepo('up', '/', SHA, repo), renetStage('/', SHA, { infra: 'ab12cd34' }, [{ sha256: hash(SECRET), content: Buffer.from(`CF_DNS_API_TOKEN=${SECRET}\n`) }]),
    installRenet('/', Buffer.from('renet'), SHA), repoLogs('/var/run/rediacc/docker-2816.sock', 'web', { follow: false, tail: 10 }),
    probeServer('/'), aptUpdate(), aptInstall(['docker.io']), makeDirs(['/opt/rediacc/bin']),
  ];
  for (const cmd of all) {
    assert.equal(cmd.root, true, cmd.title);
    const line = toShell(cmd, true);
    assert.ok(line.startsWith('sudo -n '), line);
    assert.ok(!line.includes(SECRET), `${cmd.title}: no secret in argv`);
  }
  assert.ok(String(all[3]?.stdin).includes(SECRET), 'the credential goes on stdin');
});

test('installRenet, run by a real shell: the bytes on stdin are installed 0755 only when their sha256 matches', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-install-'));
  try {
    const run = (cmd: RemoteCommand) => spawnSync('sh', ['-c', toShell(cmd)], { input: cmd.stdin });
    const renet = Buffer.from('console.log("renet")\n');
    const bad = run(installRenet(root, renet, hash('other')));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr.toString(), /renet arrived damaged/);
    assert.ok(!existsSync(renetPath(root)));
    assert.deepEqual(readdirSync(join(root, 'opt/rediacc/bin')), [], 'nothing left behind');
    const good = run(installRenet(root, renet, hash(renet)));
    assert.equal(good.status, 0, good.stderr.toString());
    assert.deepEqual(readFileSync(renetPath(root)), renet);
    assert.equal(statSync(renetPath(root)).mode & 0o777, 0o755);
    assert.deepEqual(readdirSync(join(root, 'opt/rediacc/bin')), ['renet.cjs']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('renet stage writes each file 0600 under its sha256 once the bytes match, and only into the two staging places', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-stage-'));
  const bytes = (into: unknown, files: Buffer[], declared = files.map((f) => ({ sha256: hash(f), size: f.length }))) =>
    Buffer.concat([Buffer.from(`${JSON.stringify({ rootPrefix: root, into, files: declared })}\n`), ...files]);
  // Arrives in 3-byte chunks, as a stream would cut it: headers and files span chunks.
  const chunked = async function* (all: Buffer) {
    for (let at = 0; at < all.length; at += 3) yield all.subarray(at, at + 3);
  };
  const input = (into: unknown, files: Buffer[], declared?: { sha256: string; size: number }[]) => chunked(bytes(into, files, declared));
  try {
    const a = Buffer.from(`CF_DNS_API_TOKEN=${SECRET}\n`);
    const b = Buffer.from([0, 10, 255, 10]);
    const infra = { infra: '0123abcd' };
    assert.deepEqual(await stageCommand(input(infra, [a, b])), { staged: 2 });
    const staging = join(root, 'opt/rediacc/infra/staging/0123abcd');
    assert.deepEqual(readFileSync(join(staging, hash(b))), b, 'binary bytes, newlines included, arrive whole');
    assert.equal(statSync(join(staging, hash(a))).mode & 0o777, 0o600);
    assert.equal(statSync(staging).mode & 0o777, 0o700);
    await assert.rejects(stageCommand(input(infra, [b], [{ sha256: hash(a), size: b.length }])), /damaged/);
    await assert.rejects(stageCommand(chunked(Buffer.concat([bytes(infra, [b]), Buffer.from('x')]))), /more bytes/);
    await assert.rejects(stageCommand(chunked(bytes(infra, [b]).subarray(0, -1))), /cut short/);
    await assert.rejects(stageCommand(input({ infra: '../../../etc' }, [b])), /batch is 8 to 64 hex digits/);
    await assert.rejects(stageCommand(input({ incoming: '/etc/cron.d' }, [b])), /must be an infra batch or a repo/);
    await assert.rejects(stageCommand(input({ incoming: `${root}/mnt/../../.rediacc/incoming` }, [b])), /must be an infra batch or a repo/);
    await assert.rejects(stageCommand(input({ incoming: `${root}/mnt/x/.rediacc/incoming` }, [b])), /mount is missing/);
    mkdirSync(join(root, 'mnt/x'), { recursive: true });
    await stageCommand(input({ incoming: `${root}/mnt/x/.rediacc/incoming` }, [b]));
    assert.deepEqual(readdirSync(join(root, 'mnt/x/.rediacc/incoming')), [hash(b)]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a sudo that wants a password becomes one clear refusal with the line to add; anything else is not one', () => {
  const t = { user: 'alice', machine: 'srv' };
  const refused = sudoRefusal(t, 1, 'sudo: a password is required\n');
  assert.ok(refused);
  assert.equal(refused.exitCode, ExitCode.failure);
  assert.match(refused.message, /^alice needs passwordless sudo on srv: .* Nothing was changed\.$/);
  assert.match(refused.hint ?? '', /"alice ALL=\(ALL\) NOPASSWD: ALL" to \/etc\/sudoers\.d\/rediacc.*or connect as root/);
  assert.ok(sudoRefusal(t, 1, 'alice is not in the sudoers file.  This incident will be reported.\nsudo: a password is required\n'));
  assert.match(sudoRefusal(t, 127, 'sh: 1: sudo: not found\n')?.message ?? '', /sudo is not installed on srv/);
  assert.equal(sudoRefusal(t, 1, 'error: the route server does not answer\n'), undefined);
  assert.equal(sudoRefusal(t, 0, 'sudo: a password is required\n'), undefined);
});
