import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toShell } from '../../../src/rdc/remote/command.js';
import { installRenet, renetMachine, renetRepo, renetStage } from '../../../src/rdc/remote/commands/renet.js';
import { repoLogs } from '../../../src/rdc/remote/commands/repo-logs.js';
import { aptInstall, makeDirs } from '../../../src/rdc/remote/commands/setup.js';

// Builder equality (as Kamal tests its command builders): each builder's exact argv and stdin, so a
// change to what runs on the server shows in review as a change to one of these strings.
const SHA = 'ab'.repeat(32);
const checked = (renet: string, args: string) =>
  `if [ "$(sha256sum ${renet} 2>/dev/null | cut -d' ' -f1)" = ${SHA} ]; then exec node ${renet} ${args}; else echo RDC_RENET_MISMATCH; fi`;

test('renet verbs: the hash check and the verb in one sh -c, the request on stdin, as root', () => {
  const status = renetMachine('status', '/srv/test root', SHA, { rootPrefix: '/srv/test root', routerPort: 7111 });
  assert.deepEqual(status, {
    title: 'renet machine status', argv: ['sh', '-c', checked(`'/srv/test root/opt/rediacc/bin/renet.cjs'`, 'machine status')],
    stdin: '{"rootPrefix":"/srv/test root","routerPort":7111}', root: true,
  });
  const request = { rootPrefix: '/', datastore: 'mnt/rediacc', routerPort: 7111, name: 'app', guid: 'g', networkId: 2816, volume: 'auto' as const, sizeBytes: 1, credential: 'c' };
  const checkKey = renetRepo('check-key', '/', SHA, request);
  assert.deepEqual([checkKey.title, checkKey.argv[2], checkKey.stdin], ['renet repo check-key', checked('/opt/rediacc/bin/renet.cjs', 'repo check-key'), JSON.stringify(request)]);
});

test('renet stage: a header line on stdin, then the local files streamed by the runner', () => {
  const stage = renetStage('/', SHA, { incoming: '/mnt/rediacc/mounts/g/.rediacc/incoming' }, [{ sha256: 'cd'.repeat(32), localPath: '/src/www/index.html', size: 15 }]);
  assert.deepEqual(stage, {
    title: 'upload 1 file(s)', argv: ['sh', '-c', checked('/opt/rediacc/bin/renet.cjs', 'stage')], root: true,
    stdin: `{"rootPrefix":"/","into":{"incoming":"/mnt/rediacc/mounts/g/.rediacc/incoming"},"files":[{"sha256":"${'cd'.repeat(32)}","size":15}]}\n`,
    stdinFiles: ['/src/www/index.html'],
  });
});

test('install renet: written by root into a name of its own, checked, then renamed', () => {
  const tmp = '/opt/rediacc/bin/renet.cjs.new.$$';
  assert.deepEqual(installRenet('/', Buffer.from('x'), SHA).argv, ['sh', '-c', [
    `umask 077; mkdir -p /opt/rediacc/bin && cat > ${tmp} && chmod 0755 ${tmp} || { rm -f ${tmp}; exit 1; }`,
    `if [ "$(sha256sum ${tmp} | cut -d' ' -f1)" = ${SHA} ]; then mv -f ${tmp} /opt/rediacc/bin/renet.cjs`,
    `else rm -f ${tmp}; echo 'renet arrived damaged (sha256 differs); push again' >&2; exit 1; fi`,
  ].join('; ')]);
});

test('repo logs of one service, and the setup commands, as the shell gets them', () => {
  const docker = 'docker -H unix:///var/run/rediacc/docker-2816.sock';
  assert.equal(repoLogs('/var/run/rediacc/docker-2816.sock', 'web', { follow: true, tail: 10 }).argv[2], [
    `${docker} version >/dev/null 2>&1 || exit 4`,
    `id=$(${docker} ps -aq --filter label=rediacc.service_name=web | head -n 1)`,
    `if [ -z "$id" ]; then echo 'no container for service web in this repo' >&2; exit 3; fi`,
    `exec ${docker} logs --tail 10 --follow "$id"`,
  ].join('; '));
  assert.equal(toShell(makeDirs(['/opt/rediacc/bin', '/mnt/my data']), true), "sudo -n mkdir -p /opt/rediacc/bin '/mnt/my data'");
  assert.equal(toShell(aptInstall(['docker.io', 'nodejs']), false), 'env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io nodejs');
});
