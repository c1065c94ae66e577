import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { RdcError } from '../../../src/core/errors.js';
import { parseRenetReply, RENET_MISMATCH } from '../../../src/rdc/remote/commands/renet.js';
import { ROOT } from '../../helpers/paths.js';

test('a renet reply of several MB reaches a slow reader whole (it used to exit with 64 KiB written)', async () => {
  // `renet machine routes` prints what the route server answers: here, a 1.8 MB routes.json.
  const routers = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`r${i}`, { rule: `Host(\`host-${i}.example.com\`)`, service: `s${i}`, entryPoints: ['web'] }]));
  const body = JSON.stringify({ http: { routers } });
  const server = createServer((_, res) => res.end(body)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const port = (server.address() as { port: number }).port;
    const child = spawn(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'machine', 'routes'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const closed = once(child, 'close');
    child.stdin.end(JSON.stringify({ rootPrefix: '/nonexistent', routerPort: port }));
    // Read nothing for a while: renet fills the pipe and must wait for us, not exit.
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 1000));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.resume();
    const [code] = await closed;
    assert.equal(code, 0);
    const out = Buffer.concat(chunks).toString('utf8');
    assert.ok(out.length > body.length, `${out.length} bytes of ${body.length}`);
    assert.deepEqual(parseRenetReply(out), { http: { routers } });
  } finally {
    server.close();
  }
});

test('parseRenetReply: the last line; a missing renet is undefined; a cut reply is an error that says so', () => {
  assert.deepEqual(parseRenetReply('warning: something\n{"ok":true}\n'), { ok: true });
  assert.equal(parseRenetReply(`${RENET_MISMATCH}\n`), undefined);
  assert.throws(() => parseRenetReply('{"ok":true,"needUpload":["ab'), (e: unknown) => e instanceof RdcError && /renet's reply could not be read \(\d+ bytes/.test(e.message) && /cut/.test(e.message));
  assert.throws(() => parseRenetReply(''), (e: unknown) => e instanceof RdcError && /none of it a reply/.test(e.message));
});
