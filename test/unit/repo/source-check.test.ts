import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSource } from '../../../src/repo/source-check.js';

const check = (files: Record<string, string>, unsafe = false) => checkSource(Object.keys(files), (p) => files[p] ?? '', { root: '/src/app', unsafe });
const RF = 'up() { renet compose -- up -d; }\n';

test('a sound source has no problems; a Rediaccfile without renet compose needs no compose file', () => {
  assert.deepEqual(check({ Rediaccfile: RF, 'compose.yaml': 'services:\n  web:\n    image: x\n', 'worker/Rediaccfile': 'up() { echo hi; }\n' }), []);
});

test('no Rediaccfile anywhere (deeper ones and hidden dirs do not count)', () => {
  const problems = check({ 'a/b/Rediaccfile': RF, '.hidden/Rediaccfile': RF });
  assert.match(problems[0]?.message ?? '', /no Rediaccfile at the root/);
});

test('each problem names its file', () => {
  const problems = check({
    Rediaccfile: RF, 'compose.yaml': 'services:\n  web: [\n',
    'api/Rediaccfile': RF,
    'db/Rediaccfile': RF, 'db/docker-compose.yml': 'services:\n  pg:\n    image: x\n    privileged: true\n',
  });
  assert.deepEqual(problems.map((p) => p.where), ['compose.yaml', 'api/Rediaccfile', 'db/docker-compose.yml']);
  assert.match(problems[1]?.message ?? '', /api\/ has no compose file/);
  assert.match(problems[2]?.message ?? '', /service pg: services\.pg\.privileged: gives the container full root on the host; remove it/);
});

test('the word --unsafe in a Rediaccfile switches nothing off; only the repo-level flag does', () => {
  const files = { Rediaccfile: '# --unsafe\nup() { renet compose --unsafe -- up -d; }\n', 'compose.yaml': 'services:\n  pg:\n    image: x\n    privileged: true\n' };
  assert.match(check(files)[0]?.message ?? '', /services\.pg\.privileged/);
  assert.deepEqual(check(files, true), []);
});

test('YAML and compose tricks are seen through: merge keys, interpolation defaults, .env, extends, paths', () => {
  const problems = check({
    Rediaccfile: RF, '.env': 'ROOT=/\n',
    'compose.yaml': [
      'x-bad: &bad {pid: host}',
      'services:',
      '  a: {<<: *bad, image: x}',
      '  b: {image: x, privileged: "${P:-true}"}',
      '  c: {image: x, volumes: ["${ROOT}:/h", "../../../..:/up", "~/.ssh:/s"]}',
      '  d: {extends: {file: base.yaml, service: e}}',
      '  f: {image: x, volumes: [data:/d]}',
      'volumes:',
      '  data: {driver_opts: {o: bind, device: /, type: none}}',
    ].join('\n'),
    'base.yaml': 'services:\n  e: {image: x, cap_add: [DAC_READ_SEARCH]}\n',
  }).map((p) => p.message);
  for (const setting of [/services\.a\.pid/, /services\.b\.privileged/, /services\.c\.volumes\[0\]: \/ is outside/, /services\.c\.volumes\[1\]: \/ is outside/, /services\.c\.volumes\[2\]: ~\/\.ssh/, /services\.d\.cap_add\[0\]/, /volumes\.data\.driver_opts/]) {
    assert.ok(problems.some((m) => setting.test(m)), `${setting} in ${problems.join('\n')}`);
  }
});

test('the 61-service limit counts the whole repo', () => {
  const services = (prefix: string, n: number) => `services:\n${Array.from({ length: n }, (_, i) => `  ${prefix}${i}:\n    image: x\n`).join('')}`;
  const problems = check({ Rediaccfile: RF, 'compose.yaml': services('a', 40), 'b/Rediaccfile': RF, 'b/compose.yaml': services('b', 22) });
  assert.equal(problems.length, 1);
  assert.match(problems[0]?.message ?? '', /at most 61 services/);
});
