import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSource } from '../../../src/core/repo/source-check.js';

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

test('a file compose reads that is an alias bomb or nested too deeply is a problem of that file, never a crash', () => {
  const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`), 'services: {b: {image: x}}'].join('\n');
  const deep = `services:\n  b:\n    image: x\n    command: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  for (const [name, text, expected] of [['bomb', bomb, /base\.yaml: expands too many YAML aliases/], ['deep', deep, /base\.yaml: does not parse as YAML: values are nested too deeply/]] as const) {
    const problems = check({ Rediaccfile: RF, 'compose.yaml': 'services:\n  a:\n    extends: {file: base.yaml, service: b}\n', 'base.yaml': text }).map((p) => p.message);
    assert.ok(problems.some((m) => expected.test(m)), `${name}: ${problems.join('\n')}`);
  }
  assert.deepEqual(check({ Rediaccfile: RF, 'compose.yaml': deep }).map((p) => p.message), ['does not parse: values are nested too deeply']);
});

test('compose\'s own tags (!reset, !override) are read quietly, as compose reads them', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    assert.deepEqual(check({ Rediaccfile: RF, 'compose.yaml': 'services:\n  a:\n    image: x\n    cap_drop: !reset []\n    environment: !override {A: "1"}\n' }), []);
    await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on a later tick
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});
