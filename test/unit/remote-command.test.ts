import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { command, toShell } from '../../src/rdc/remote/command.js';
import { shellQuote } from '../../src/core/util/shell-quote.js';

const HOSTILE = [`it's`, '$(touch /tmp/rdc-pwned)', '`id`', 'a;rm -rf /', 'line1\nline2', '"quoted"', '', ' spaces ', '*', '~root', '\\', '-n'];

test('shellQuote: a real shell gets every hostile value back byte for byte', () => {
  for (const value of HOSTILE) {
    const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
    assert.equal(echoed, value, `round trip of ${JSON.stringify(value)}`);
  }
});

test('plain tokens stay readable', () => {
  assert.equal(toShell(command('t', ['docker', 'compose', '-p', 'rediacc-proxy', 'up', '-d'])), 'docker compose -p rediacc-proxy up -d');
  assert.equal(toShell(command('t', ['ls', '/srv/a b'], { env: { DOCKER_HOST: 'unix:///var/run/rediacc/docker-2816.sock' } })),
    "env DOCKER_HOST=unix:///var/run/rediacc/docker-2816.sock ls '/srv/a b'");
});

test('environment names are checked', () => {
  assert.throws(() => toShell(command('t', ['x'], { env: { 'A;B': '1' } })), /invalid environment variable name/);
});
