import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSource } from '../../../src/repo/source-check.js';

const check = (files: Record<string, string>) => checkSource(Object.keys(files), (p) => files[p] ?? '');
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
  assert.match(problems[2]?.message ?? '', /service pg: privileged: true/);
});

test('--unsafe in the Rediaccfile allows dangerous settings, as renet compose would', () => {
  assert.deepEqual(check({ Rediaccfile: 'up() { renet compose --unsafe -- up -d; }\n', 'compose.yaml': 'services:\n  pg:\n    image: x\n    privileged: true\n' }), []);
});

test('the 61-service limit counts the whole repo', () => {
  const services = (prefix: string, n: number) => `services:\n${Array.from({ length: n }, (_, i) => `  ${prefix}${i}:\n    image: x\n`).join('')}`;
  const problems = check({ Rediaccfile: RF, 'compose.yaml': services('a', 40), 'b/Rediaccfile': RF, 'b/compose.yaml': services('b', 22) });
  assert.equal(problems.length, 1);
  assert.match(problems[0]?.message ?? '', /at most 61 services/);
});
