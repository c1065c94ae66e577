import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { Io } from '../../../src/rdc/output/io.js';
import { Output } from '../../../src/rdc/output/output.js';

function capture(env: Record<string, string>, tty: boolean) {
  const out = { stdout: '', stderr: '' };
  const io: Io = {
    stdout: { write: (s: string) => (out.stdout += s), isTTY: tty },
    stderr: { write: (s: string) => (out.stderr += s), isTTY: tty },
    stdin: Readable.from([]), env, cwd: '/',
  };
  return { io, out };
}
const ANSI = /\u001b\[/;

test('colour only on a TTY, never with NO_COLOR', () => {
  const tty = capture({}, true);
  new Output(tty.io, { json: false, verbose: false }).warn('x');
  assert.match(tty.out.stderr, ANSI);
  const noColor = capture({ NO_COLOR: '1' }, true);
  new Output(noColor.io, { json: false, verbose: false }).warn('x');
  assert.doesNotMatch(noColor.out.stderr, ANSI);
  const pipe = capture({}, false);
  new Output(pipe.io, { json: false, verbose: false }).done('x');
  assert.doesNotMatch(pipe.out.stdout, ANSI);
});

test('results on stdout, progress and warnings on stderr; --json keeps stdout pure JSON', async () => {
  const { io, out } = capture({}, false);
  const o = new Output(io, { json: true, verbose: false });
  o.result('human text');
  o.progress('working');
  const spinner = await o.spinner('connecting');
  spinner.succeed('connected');
  o.data({ a: 1 });
  o.warn('careful');
  assert.deepEqual(JSON.parse(out.stdout), { a: 1 });
  assert.equal(out.stderr, 'warning: careful\n');
});

test('a spinner off a TTY is plain progress lines', async () => {
  const { io, out } = capture({}, false);
  const s = await new Output(io, { json: false, verbose: false }).spinner('connecting');
  s.succeed('connected');
  assert.equal(out.stderr, 'connecting…\nconnected\n');
});

test('registered secrets are redacted from everything written', () => {
  const { io, out } = capture({}, false);
  const o = new Output(io, { json: false, verbose: false });
  o.addSecret('s3cr3t-token');
  o.error('failed with s3cr3t-token', 'retry s3cr3t-token');
  o.data({ token: 's3cr3t-token' });
  assert.ok(!(out.stdout + out.stderr).includes('s3cr3t-token'));
  assert.match(out.stderr, /\[REDACTED\]/);
});

test('an error line is never printed whole when it is huge (a safety net under the validators)', () => {
  const c = capture({ NO_COLOR: '1' }, false);
  new Output(c.io, { json: false, verbose: false }).error(`--tail: bad value ${'9'.repeat(100_000)}\nsecond line`, 'a hint');
  assert.ok(c.out.stderr.length < 1200, `${c.out.stderr.length} characters`);
  assert.match(c.out.stderr, /… \(cut: 100018 characters\)\nsecond line\nhint: a hint\n$/);
});
