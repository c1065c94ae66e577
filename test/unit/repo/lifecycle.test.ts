import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lifecycleSteps, rediaccDirs } from '../../../src/core/repo/lifecycle-plan.js';
import { ROOT } from '../../helpers/paths.js';

test('Rediaccfiles: the root and first-level subdirectories, hidden ones skipped, root first then A→Z', () => {
  assert.deepEqual(rediaccDirs(['b/Rediaccfile', 'Rediaccfile', 'a/Rediaccfile', '.git/Rediaccfile', 'a/x/Rediaccfile', 'c/Other']), ['', 'a', 'b']);
  const fmt = (phase: 'up' | 'down' | 'prep-only') => lifecycleSteps(['b', '', 'a'], phase).map((s) => `${s.fn}:${s.dir || '/'}:${s.onFailure}`);
  assert.deepEqual(fmt('up'), ['prep:/:stop', 'prep:a:stop', 'prep:b:stop', 'up:/:stop', 'up:a:continue', 'up:b:continue']);
  assert.deepEqual(fmt('down'), ['down:b:continue', 'down:a:continue', 'down:/:continue']);
  assert.deepEqual(fmt('prep-only'), ['prep:/:stop', 'prep:a:stop', 'prep:b:stop']);
});

/** The real runner: renet's bundle, real bash, a repo whose path holds a quote. */
const repo = mkdtempSync(join(tmpdir(), "rdc-lifecycle-it's-"));
after(() => rmSync(repo, { recursive: true, force: true }));
const log = join(repo, 'calls.log');
const record = (where: string, fns: string[]) => fns.map((fn) => `${fn}() { echo "${fn} ${where} $REPOSITORY_NAME $REPOSITORY_NETWORK_ID $WEB_IP $DOCKER_HOST" >> "$LOG"; }`).join('\n');

function lifecycle(phase: string): { ok: boolean; steps: { dir: string; fn: string; status: string; output: string }[] } {
  const input = JSON.stringify({ repoPath: repo, phase, env: { LOG: log, REPOSITORY_NAME: 'my-app', REPOSITORY_NETWORK_ID: '2816', WEB_IP: '127.0.11.2', DOCKER_HOST: 'unix:///var/run/rediacc/docker-2816.sock', REPOSITORY_PATH: repo } });
  try {
    return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'lifecycle'], { input, encoding: 'utf8' }));
  } catch (err) {
    return JSON.parse((err as { stdout: string }).stdout);
  }
}
const calls = () => readFileSync(log, 'utf8').trim().split('\n');

test('up runs every prep(), then up() root first and subdirectories A→Z, with the repo environment', () => {
  for (const d of ['a', 'b', '.hidden', 'deep/er']) mkdirSync(join(repo, d), { recursive: true });
  writeFileSync(join(repo, 'Rediaccfile'), `#!/bin/bash\n${record('root', ['prep', 'up', 'down'])}\n`);
  writeFileSync(join(repo, 'a', 'Rediaccfile'), `${record('a', ['prep', 'up', 'down'])}\n`);
  writeFileSync(join(repo, 'b', 'Rediaccfile'), `${record('b', ['up'])}\n`);
  writeFileSync(join(repo, '.hidden', 'Rediaccfile'), `${record('hidden', ['prep', 'up'])}\n`);
  writeFileSync(join(repo, 'deep/er', 'Rediaccfile'), `${record('deep', ['prep', 'up'])}\n`);
  const r = lifecycle('up');
  assert.equal(r.ok, true);
  assert.deepEqual(calls(), ['prep root', 'prep a', 'up root', 'up a', 'up b'].map((c) => `${c} my-app 2816 127.0.11.2 unix:///var/run/rediacc/docker-2816.sock`));
  assert.deepEqual(r.steps.filter((s) => s.status === 'absent').map((s) => `${s.fn}:${s.dir}`), ['prep:b']);
});

test('down runs subdirectories Z→A, then the root', () => {
  rmSync(log, { force: true });
  assert.equal(lifecycle('down').ok, true);
  assert.deepEqual(calls().map((c) => c.split(' ').slice(0, 2).join(' ')), ['down a', 'down root']);
});

test('a failing prep() stops everything and its output is reported', () => {
  rmSync(log, { force: true });
  writeFileSync(join(repo, 'a', 'Rediaccfile'), 'prep() { echo "mkdir: cannot create data/postgres" >&2; return 3; }\nup() { echo "up a" >> "$LOG"; }\n');
  const r = lifecycle('up');
  assert.equal(r.ok, false);
  assert.deepEqual(r.steps.map((s) => `${s.fn}:${s.dir}:${s.status}`), ['prep::ok', 'prep:a:failed', 'prep:b:skipped', 'up::skipped', 'up:a:skipped', 'up:b:skipped']);
  assert.match(r.steps[1]?.output ?? '', /cannot create data\/postgres/);
  assert.deepEqual(calls().map((c) => c.split(' ').slice(0, 2).join(' ')), ['prep root']);
});
