import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderRouterConfig } from '../../src/core/render/router-config.js';
import { testMachine } from '../helpers/machine.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';
import { getJson } from '../helpers/testbed/http.js';
import { freePort, waitFor } from '../helpers/testbed/ports.js';
import { startProcess } from '../helpers/testbed/process.js';

test('the route server answers 503 until every daemon has been listed once', async () => {
  const root = tempDir('rdc-rs-start-');
  const port = await freePort();
  const cfg = renderRouterConfig('t', testMachine(root, { baseDomain: 'example.test', routeServerPort: port }), []);
  mkdirSync(cfg.socketDir, { recursive: true });
  // A daemon socket that accepts connections and never answers: its first list is pending.
  const held: import('node:net').Socket[] = [];
  let refuse = false;
  const hung = createServer((s) => (refuse ? s.destroy() : held.push(s)));
  await new Promise<void>((r) => hung.listen(join(cfg.socketDir, 'docker-2816.sock'), () => r()));
  writeFileSync(join(root, 'router.json'), JSON.stringify(cfg));
  const router = startProcess(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'route-server', '--config', join(root, 'router.json')]);
  after(async () => {
    await router.stop();
    hung.close();
  });

  const starting = await waitFor('the API to listen', () => getJson<{ status: string }>('127.0.0.1', port, '/routes.json').catch(() => undefined));
  assert.equal(starting.status, 503, 'no config before the first full discovery (an empty one would wipe Traefik\'s routes)');
  assert.deepEqual(starting.json, { status: 'starting' });
  assert.equal((await getJson('127.0.0.1', port, '/health')).status, 503);

  // The daemon fails (its socket stays): now discovery is complete, with that daemon marked down.
  refuse = true;
  for (const s of held) s.destroy();
  const health = await waitFor('/health after the failed list', async () => {
    const r = await getJson<{ status: string; daemons: { ok: boolean }[] }>('127.0.0.1', port, '/health');
    return r.status === 200 ? r.json : undefined;
  });
  assert.equal(health.status, 'degraded');
  assert.equal(health.daemons[0]?.ok, false);
  assert.equal((await getJson('127.0.0.1', port, '/routes.json')).status, 200);
});
