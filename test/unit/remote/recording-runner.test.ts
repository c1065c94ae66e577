import assert from 'node:assert/strict';
import { test } from 'node:test';
import { command } from '../../../src/rdc/remote/command.js';
import { PrintingRunner } from '../../../src/rdc/remote/printing-runner.js';
import { RecordingRunner } from '../../../src/rdc/remote/recording-runner.js';
import { RemoteCommandError } from '../../../src/rdc/remote/ssh-errors.js';

test('the recording runner records in order, answers from its script, and refuses to make answers up', async () => {
  const runner = new RecordingRunner([{ stdout: 'one\n' }, (cmd) => ({ code: 3, stderr: `no ${cmd.argv[1]}` }), { stdout: 'streamed' }]);
  assert.deepEqual(await runner.run(command('first', ['echo', 'one'])), { code: 0, stdout: 'one\n', stderr: '' });
  await assert.rejects(runner.run(command('second', ['ls', '/x'], { root: true })), (err) => err instanceof RemoteCommandError && err.code === 3 && /second failed on recorded-machine \(exit 3\):\n {2}no \/x/.test(err.message));
  const chunks: string[] = [];
  assert.deepEqual(await runner.exec(command('third', ['logs']), (chunk) => chunks.push(chunk)), { code: 0, stdout: '', stderr: '' }, 'streamed output is not collected, as over SSH');
  assert.deepEqual(chunks, ['streamed']);
  assert.deepEqual(runner.titles, ['first', 'second', 'third']);
  assert.equal(runner.unused, 0);
  await assert.rejects(runner.exec(command('fourth', ['x'])), /no reply scripted for command 4, "fourth"/);
  runner.close();
  await assert.rejects(runner.exec(command('fifth', ['x'])), /"fifth" after close\(\)/);
});

test('the printing runner prints each command (no stdin content) and passes it on', async () => {
  const inner = new RecordingRunner([{ stdout: 'ok' }]);
  const lines: string[] = [];
  const printing = new PrintingRunner(inner, (line) => lines.push(line));
  assert.equal((await printing.run(command('say', ['echo', 'a b'], { stdin: 'secret-on-stdin', root: true }))).stdout, 'ok');
  assert.deepEqual(lines, ["$ say (root) <stdin 15 bytes>: echo 'a b'"]);
  printing.close();
  assert.equal(inner.closed, true);
});
