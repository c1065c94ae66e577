import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkComposeArgs } from '../../../src/core/compose/compose-args.js';
import { checkFileRefs } from '../../../src/core/compose/file-refs.js';
import { interpolate } from '../../../src/core/compose/interpolate.js';

const MOUNT = '/m/g1';

describe('files compose reads while building the model', () => {
  const refs = (files: Record<string, string>) => checkFileRefs(`${MOUNT}/compose.yaml`, { mount: MOUNT, realpath: (p) => p }, (p) => files[p]).map((f) => `${f.setting}: ${f.problem}`);

  test('env_file, label_file, extends and include outside the repo are refused before compose reads them', () => {
    const found = refs({
      [`${MOUNT}/compose.yaml`]: [
        'x-e: &e {env_file: /etc/shadow}',
        'include: [../g2/compose.yaml, {path: [./ok.yaml], env_file: /root/.env}]',
        'services:',
        '  a: {<<: *e, image: x}',
        '  b: {extends: {file: /srv/other/compose.yaml, service: o}}',
        '  c: {env_file: [{path: "${F:-/etc/passwd}", required: false}], label_file: ../../x}',
      ].join('\n'),
      [`${MOUNT}/ok.yaml`]: 'services:\n  d: {env_file: ../../etc/hostname}\n',
    });
    assert.deepEqual(found, [
      'include[0]: /m/g2/compose.yaml is outside the repo (/m/g1)',
      'ok.yaml: services.d.env_file[0]: /etc/hostname is outside the repo (/m/g1)',
      'include[1].env_file[0]: /root/.env is outside the repo (/m/g1)',
      'services.a.env_file[0]: /etc/shadow is outside the repo (/m/g1)',
      'services.b.extends.file: /srv/other/compose.yaml is outside the repo (/m/g1)',
      'services.c.env_file[0]: "${F:-/etc/passwd}" is interpolated; compose would read whatever it names',
      'services.c.label_file[0]: /x is outside the repo (/m/g1)',
    ]);
  });

  test('files inside the repo are followed, and fine', () => {
    assert.deepEqual(refs({ [`${MOUNT}/compose.yaml`]: 'services:\n  a: {extends: {file: base.yaml, service: b}, env_file: .env.app}\n', [`${MOUNT}/base.yaml`]: 'services:\n  b: {image: x}\n' }), []);
  });

  test('every file compose reads is either read or noted (what the model depends on, for renet\'s kept verdict)', () => {
    const files: Record<string, string> = {
      [`${MOUNT}/compose.yaml`]: 'include: [{path: [sub/inc.yaml], env_file: inc.env, project_directory: sub}]\nservices:\n  a: {extends: {file: base.yaml, service: b}, env_file: [.env.app, {path: opt.env, required: false}], label_file: labels}\n',
      [`${MOUNT}/base.yaml`]: 'services:\n  b: {image: x}\n',
      [`${MOUNT}/sub/inc.yaml`]: 'services:\n  c: {image: x, env_file: c.env}\n',
    };
    const read: string[] = [];
    const noted: string[] = [];
    checkFileRefs(`${MOUNT}/compose.yaml`, { mount: MOUNT, realpath: (p) => p }, (p) => (read.push(p), files[p]), (p) => noted.push(p));
    assert.deepEqual(read.sort(), [`${MOUNT}/base.yaml`, `${MOUNT}/compose.yaml`, `${MOUNT}/sub/inc.yaml`]);
    assert.deepEqual([...new Set(noted)].sort(), [`${MOUNT}/.env`, `${MOUNT}/.env.app`, `${MOUNT}/inc.env`, `${MOUNT}/labels`, `${MOUNT}/opt.env`, `${MOUNT}/sub/.env`, `${MOUNT}/sub/c.env`]);
  });

  test('an include\'s project_directory: compose reads its .env and resolves the included file\'s paths there, so both are checked', () => {
    const files: Record<string, string> = {
      [`${MOUNT}/compose.yaml`]: 'include: [{path: sub/inc.yaml, project_directory: other}]\nservices:\n  a: {image: x}\n',
      [`${MOUNT}/sub/inc.yaml`]: 'services:\n  b: {image: x, env_file: [{path: e.env, required: false}]}\n',
    };
    const links: Record<string, string> = { [`${MOUNT}/other/.env`]: '/m/g2/.env', [`${MOUNT}/other/e.env`]: '/m/g2/secret.env' };
    const noted: string[] = [];
    const found = checkFileRefs(`${MOUNT}/compose.yaml`, { mount: MOUNT, realpath: (p) => links[p] ?? p }, (p) => files[p], (p) => noted.push(p)).map((f) => `${f.setting}: ${f.problem}`);
    assert.deepEqual(found, [
      'other/.env: /m/g1/other/.env (a symlink to /m/g2/.env) is outside the repo (/m/g1)',
      'sub/inc.yaml: services.b.env_file[0]: /m/g1/other/e.env (a symlink to /m/g2/secret.env) is outside the repo (/m/g1)',
    ]);
    delete links[`${MOUNT}/other/.env`];
    delete links[`${MOUNT}/other/e.env`];
    noted.length = 0;
    assert.deepEqual(checkFileRefs(`${MOUNT}/compose.yaml`, { mount: MOUNT, realpath: (p) => p }, (p) => files[p], (p) => noted.push(p)), []);
    for (const p of ['other/.env', 'other/e.env', 'sub/.env', 'sub/e.env']) assert.ok(noted.includes(`${MOUNT}/${p}`), p);
  });

  test('a !!binary value or key is refused (compose would decode it into a path or a key)', () => {
    assert.match(refs({ [`${MOUNT}/compose.yaml`]: 'services:\n  a:\n    env_file: !!binary L2V0Yy9zaGFkb3c=\n' }).join('\n'), /!!binary/);
    assert.match(refs({ [`${MOUNT}/compose.yaml`]: 'services:\n  a:\n    ? !!binary ZW52X2ZpbGU=\n    : /etc/shadow\n' }).join('\n'), /!!binary/);
  });

  test('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((l, i) => `${l}: &${l} [*${'abcdefgh'[i]},*${'abcdefgh'[i]},*${'abcdefgh'[i]},*${'abcdefgh'[i]},*${'abcdefgh'[i]},*${'abcdefgh'[i]},*${'abcdefgh'[i]},*${'abcdefgh'[i]},*${'abcdefgh'[i]}]`), 'services: {}'].join('\n');
    assert.match(refs({ [`${MOUNT}/compose.yaml`]: bomb }).join('\n'), /too many YAML aliases/);
  });
});

describe('what a Rediaccfile may pass to compose', () => {
  test('flags that change the model, read host files or grant privileges are refused', () => {
    for (const args of [['-f', 'evil.yml', 'up'], ['--file=evil.yml', 'up'], ['--env-file', '/etc/shadow', 'up'], ['--project-directory', '/', 'up'], ['-p', 'other', 'up'],
      ['run', '-v', '/:/h', 'web'], ['run', '--volume=/:/h', 'web'], ['run', '-dv', '/:/h', 'web'], ['run', '-v/:/h', 'web'], ['run', '-dv/:/h', 'web'], ['config', '-o/etc/x'], ['run', '--cap-add', 'SYS_ADMIN', 'web'], ['exec', '--privileged', 'web', 'sh'],
      ['run', '--env-from-file', '/etc/shadow', 'web'], ['build', '--ssh', 'default'], ['config', '-o', '/etc/cron.d/x'], ['cp', 'web:/x', '/etc/x'], ['export', 'web']]) {
      const r = checkComposeArgs(args);
      assert.equal(r.ok, false, args.join(' '));
      assert.match(r.errors.join('\n'), /remove it|not a compose subcommand/);
    }
  });

  test('the usual ones pass; which need the policy', () => {
    assert.deepEqual(checkComposeArgs(['--profile', 'web', 'up', '-d', '--build']), { ok: true, errors: [], subcommand: 'up', checked: true });
    assert.equal(checkComposeArgs(['down', '-v']).checked, false);
    assert.equal(checkComposeArgs(['logs', '-f', 'web']).ok, true);
    assert.equal(checkComposeArgs(['config']).checked, true);
    assert.equal(checkComposeArgs(['logs', '--no-color', '-t', 'web']).ok, true);
    assert.equal(checkComposeArgs(['exec', '-T', 'web', 'tar', '-xvf', 'a.tar', '-o']).ok, true);
  });
});

test('interpolation as compose does it, for the local pre-check', () => {
  const vars = { A: 'a', E: '' };
  assert.equal(interpolate('${P:-true} ${A} $A $$A ${E:-d} ${E-d} ${A:+x} ${N+x} ${N:-${A:-z}}', vars), 'true a a $A d  x  a');
});
