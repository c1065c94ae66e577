import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { and, command, seq, shellQuote, toShell } from '../../src/remote/command.js';

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

test('combinators build one sh -c program, quoted once more', () => {
  const c = and('two', command('a', ['mkdir', '-p', "/tmp/it's"]), command('b', ['echo', '$(id)']));
  assert.deepEqual(c.argv.slice(0, 2), ['sh', '-c']);
  assert.equal(c.argv[2], `mkdir -p '/tmp/it'\\''s' && echo '$(id)'`);
  assert.equal(execFileSync('sh', ['-c', toShell(seq('s', command('x', ['printf', '%s', '$HOME;`x`'])))], { encoding: 'utf8' }), '$HOME;`x`');
  assert.throws(() => and('t', command('a', ['x'], { stdin: '1' }), command('b', ['y'], { stdin: '2' })), /only one/);
  assert.throws(() => toShell(command('t', ['x'], { env: { 'A;B': '1' } })), /invalid environment variable name/);
});
