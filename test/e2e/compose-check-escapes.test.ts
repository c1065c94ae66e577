import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';

type Reply = { ok: boolean; steps: { dir: string; fn: string; status: string; output: string }[] };

/**
 * What the compose check and its kept verdict once let through (found by probing the cache of
 * 4984abd): a bind source compose prints as `x$${Y}` (Docker binds `x${Y}`, a symlink to /etc), an
 * include's project_directory (compose reads its .env and the included file's env_file there), and
 * environment values no `${…}` names (`environment: [NAME]`, a bare env-file line, `"\x24{NAME}"`),
 * which a kept verdict ran with their first values.
 */
describe('compose check: paths and values as compose uses them, fresh or kept', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-escapes-'));
  const id = 2816 + 64 * (9000 + Math.floor(Math.random() * 900));
  let daemon: Dockerd;
  const RF = '#!/bin/bash\nup() { [ -f ./rf.sh ] && source ./rf.sh; renet compose -- up -d; }\ndown() { renet compose -- down; }\n';
  const svc = `    image: ${BUSYBOX_IMAGE}\n    init: true\n    command: ["sleep", "3600"]\n`;
  const lifecycle = (repo: string, name: string): Reply => {
    const input = JSON.stringify({ repoPath: repo, phase: 'up', env: { REPOSITORY_NAME: name, REPOSITORY_PATH: repo, REPOSITORY_NETWORK_ID: String(id), DOCKER_HOST: `unix://${daemon.socket}` } });
    try {
      return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'lifecycle'], { input, encoding: 'utf8' })) as Reply;
    } catch (err) {
      return JSON.parse((err as { stdout: string }).stdout) as Reply;
    }
  };
  const output = (r: Reply) => r.steps.find((s) => s.fn === 'up')?.output ?? '';
  const mkrepo = (name: string, compose: string) => {
    const repo = join(root, name);
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'Rediaccfile'), RF);
    writeFileSync(join(repo, 'compose.yaml'), compose);
    return repo;
  };
  const sh = async (container: string, script: string) => (await daemon.docker('exec', container, 'sh', '-c', script)).trim();
  const containers = async () => (await daemon.docker('ps', '-aq')).trim();

  before(async () => {
    daemon = await startDockerd(join(root, `docker-${id}.sock`), join(root, 'dockerd'));
    await importBusybox(daemon);
    writeFileSync(join(root, 'other-repo.env'), 'SECRET=hunter2\n');
    writeFileSync(join(root, 'other-repo-2.env'), 'ESEC=hunter3\n');
  });
  after(async () => {
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  test('a bind source with $$ is checked as the path Docker binds (x${Y}, a symlink to /etc, is refused)', async () => {
    const repo = mkrepo('dollar', `services:\n  evil:\n${svc}    volumes: ["./x$\${Y}:/h:ro"]\n`);
    symlinkSync('/etc', join(repo, 'x${Y}'));
    const r = lifecycle(repo, 'dollar');
    assert.equal(r.ok, false, output(r));
    assert.match(output(r), /services\.evil\.volumes\[0\]: .*\/x\$\{Y\} \(a symlink to \/etc\) is outside the repo/);
    assert.equal(await containers(), '', 'nothing started');
  });

  test('an include\'s project_directory: its .env and the included env_file there are checked (symlinks to another repo refused)', async () => {
    const repo = mkrepo('incdir', `include:\n  - path: sub/inc.yaml\n    project_directory: other\nservices:\n  a:\n${svc}`);
    mkdirSync(join(repo, 'sub'));
    mkdirSync(join(repo, 'other'));
    writeFileSync(join(repo, 'sub/inc.yaml'), `services:\n  b:\n${svc}    environment:\n      S: "\${SECRET:-none}"\n    env_file:\n      - path: e.env\n        required: false\n`);
    symlinkSync(join(root, 'other-repo.env'), join(repo, 'other/.env'));
    symlinkSync(join(root, 'other-repo-2.env'), join(repo, 'other/e.env'));
    const r = lifecycle(repo, 'incdir');
    assert.equal(r.ok, false, output(r));
    assert.match(output(r), /other\/\.env: .*other-repo\.env\) is outside the repo/);
    assert.match(output(r), /services\.b\.env_file\[0\]: .*other-repo-2\.env\) is outside the repo/);
    assert.equal(await containers(), '', 'nothing started');
    // Regular files there: fine, and an edit of the env file compose reads reaches the container (the kept verdict is not reused).
    rmSync(join(repo, 'other/.env'));
    rmSync(join(repo, 'other/e.env'));
    writeFileSync(join(repo, 'other/e.env'), 'ESEC=one\n');
    for (let i = 0; i < 2; i++) assert.equal(lifecycle(repo, 'incdir').ok, true);
    assert.equal(await sh('incdir-b-1', 'echo $ESEC'), 'one');
    writeFileSync(join(repo, 'other/e.env'), 'ESEC=two\n');
    assert.equal(lifecycle(repo, 'incdir').ok, true);
    assert.equal(await sh('incdir-b-1', 'echo $ESEC'), 'two');
  });

  test('values compose takes from the environment without a ${…} in a file are not kept stale, and an unchanged up still reuses the verdict', async () => {
    const repo = mkrepo('values', `services:\n  a:\n${svc}    environment:\n      - PASS\n      - "ESC=\\x24{HIDDEN}"\n    env_file: [e.env]\n`);
    writeFileSync(join(repo, 'e.env'), 'BARE\n');
    const set = (v: string) => writeFileSync(join(repo, 'rf.sh'), `export PASS=${v} HIDDEN=${v} BARE=${v}\n`);
    const model = join(repo, '.rediacc/compose/values.yml');
    set('one');
    for (let i = 0; i < 2; i++) assert.equal(lifecycle(repo, 'values').ok, true);
    const written = statSync(model).mtimeMs;
    assert.equal(lifecycle(repo, 'values').ok, true);
    assert.equal(statSync(model).mtimeMs, written, 'an unchanged up reuses the verdict (the model is not written again)');
    assert.equal(await sh('values-a-1', 'echo $PASS $ESC $BARE'), 'one one one');
    set('two');
    assert.equal(lifecycle(repo, 'values').ok, true);
    assert.equal(await sh('values-a-1', 'echo $PASS $ESC $BARE'), 'two two two');
  });
  test('a Rediaccfile a container wrote into its writable bind (./data) is not run as root by the next lifecycle', async () => {
    const marker = join(root, 'host-marker');
    const repo = mkrepo('rfbind', `services:\n  app:\n    image: ${BUSYBOX_IMAGE}\n    init: true\n    command: ["sh", "-c", "printf 'up() { id -u > ${marker}; }\\\\n' > /data/Rediaccfile; sleep 3600"]\n    volumes: ["./data:/data"]\n`);
    mkdirSync(join(repo, 'data'));
    assert.equal(lifecycle(repo, 'rfbind').ok, true);
    for (let i = 0; i < 100 && !existsSync(join(repo, 'data/Rediaccfile')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(join(repo, 'data/Rediaccfile')), 'the container wrote data/Rediaccfile');
    const r = lifecycle(repo, 'rfbind');
    // Its prep is refused, which stops the lifecycle (as any failing prep): a planted Rediaccfile is shown, never run.
    const step = r.steps.find((s) => s.dir === 'data' && s.fn === 'prep');
    assert.equal(step?.status, 'failed', JSON.stringify(r.steps));
    assert.match(step?.output ?? '', /refused to run .*\/data\/Rediaccfile: .*\/data is a directory which services\.app\.volumes\[0\] \(rfbind\.yml\) binds writable/);
    assert.equal(r.ok, false);
    assert.equal(existsSync(marker), false, 'the container-written Rediaccfile did not run');
    // Its down() is refused too, the root's still runs.
    const input = JSON.stringify({ repoPath: repo, phase: 'down', env: { REPOSITORY_NAME: 'rfbind', REPOSITORY_PATH: repo, REPOSITORY_NETWORK_ID: String(id), DOCKER_HOST: `unix://${daemon.socket}` } });
    let down: Reply;
    try {
      down = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'lifecycle'], { input, encoding: 'utf8' })) as Reply;
    } catch (err) {
      down = JSON.parse((err as { stdout: string }).stdout) as Reply;
    }
    assert.equal(down.steps.find((s) => s.dir === 'data')?.status, 'failed', JSON.stringify(down.steps));
    assert.equal(down.steps.find((s) => s.dir === '')?.status, 'ok', JSON.stringify(down.steps));
    assert.equal(existsSync(marker), false);
  });

  test('an orphan (a container whose service a later model dropped) that writes a Rediaccfile is caught by its daemon mount, not by any model', async () => {
    const marker = join(root, 'orphan-marker');
    // The writer plants its Rediaccfile only once told to: after the model that drops it is recorded.
    const writer = `  writer:\n    image: ${BUSYBOX_IMAGE}\n    init: true\n    command: ["sh", "-c", "while [ ! -e /data/go ]; do sleep 0.1; done; printf 'up() { id -u > ${marker}; }\\\\n' > /data/Rediaccfile; sleep 3600"]\n    volumes: ["./data:/data"]\n`;
    const repo = mkrepo('rforphan', `services:\n  keep:\n${svc}${writer}`);
    mkdirSync(join(repo, 'data'));
    assert.equal(lifecycle(repo, 'rforphan').ok, true);
    writeFileSync(join(repo, 'compose.yaml'), `services:\n  keep:\n${svc}`);
    const dropped = lifecycle(repo, 'rforphan');
    assert.equal(dropped.ok, true, JSON.stringify(dropped.steps));
    assert.match(await daemon.docker('ps', '--format', '{{.Names}}'), /rforphan-writer-1/, 'compose left the orphan running');
    writeFileSync(join(repo, 'data/go'), '');
    for (let i = 0; i < 100 && !existsSync(join(repo, 'data/Rediaccfile')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(join(repo, 'data/Rediaccfile')), 'the orphan wrote data/Rediaccfile');
    const r = lifecycle(repo, 'rforphan');
    const step = r.steps.find((x) => x.dir === 'data' && x.fn === 'prep');
    assert.equal(step?.status, 'failed', JSON.stringify(r.steps));
    assert.match(step?.output ?? '', /refused to run .*\/data\/Rediaccfile: .*\/data is a directory which container rforphan-writer-1 binds writable/);
    assert.equal(existsSync(marker), false, 'the orphan\'s Rediaccfile did not run');
  });
});
