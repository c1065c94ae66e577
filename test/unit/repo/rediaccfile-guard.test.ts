import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { containerWritten } from '../../../src/renet/repo/rediaccfile-guard.js';

const root = mkdtempSync(join(tmpdir(), 'rdc-guard-'));
const repo = join(root, 'repo');
mkdirSync(join(repo, 'data'), { recursive: true });
after(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in for the repo daemon's list endpoint on a unix socket, answering `status` with `body`. */
async function daemon(name: string, status: number, body: unknown): Promise<{ host: string; server: Server }> {
  const socket = join(root, `${name}.sock`);
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { host: `unix://${socket}`, server };
}

test('a container of the daemon binding the Rediaccfile\'s directory writable is named; a read-only bind is not', async () => {
  const d = await daemon('rw', 200, [
    { Names: ['/app-ro-1'], Mounts: [{ Type: 'bind', Source: join(repo, 'data'), RW: false }] },
    { Names: ['/app-writer-1'], Mounts: [{ Type: 'bind', Source: join(repo, 'data'), RW: true }] },
  ]);
  try {
    assert.match(await containerWritten(repo, 'data', d.host) ?? '', /data is a directory which container app-writer-1 binds writable/);
  } finally {
    d.server.close();
  }
});

test('no daemon on the socket: nothing of it can write; a daemon that does not list its containers fails closed, saying why', async () => {
  assert.equal(await containerWritten(repo, 'data', `unix://${join(root, 'none.sock')}`), undefined);
  const d = await daemon('broken', 500, { message: 'boom' });
  try {
    assert.match(await containerWritten(repo, 'data', d.host) ?? '', /Rediaccfile: the repo's Docker daemon \(.*broken\.sock\) did not list its containers \(HTTP 500\).*nothing was run/);
  } finally {
    d.server.close();
  }
});
