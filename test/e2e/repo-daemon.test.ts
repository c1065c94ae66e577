import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/testbed/ports.js';
import { requireTool } from '../helpers/testbed/tools.js';

/** A repo's own dockerd, started by renet and kept alive by renet's supervisor after renet exits. */
test('renet repo-daemon: starts, outlives renet, is restarted after a crash, stops cleanly', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-repod-'));
  const id = 2816 + 64 * (7900 + Math.floor(Math.random() * 90));
  const request = JSON.stringify({ rootPrefix: root, networkId: id, dataRoot: join(root, 'mnt/rediacc/mounts/guid-1/docker') });
  const renet = (verb: string) => JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'repo-daemon', verb], { input: request, encoding: 'utf8' })) as { action?: string; running?: boolean; socket: string };
  const dockerPid = () => Number(readFileSync(join(root, `var/run/rediacc/docker-${id}.pid`), 'utf8'));
  after(() => {
    try {
      renet('stop');
    } finally {
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  });

  const started = renet('start');
  assert.equal(started.action, 'started');
  assert.equal(started.socket, join(root, `var/run/rediacc/docker-${id}.sock`));
  assert.equal(renet('status').running, true, 'still up after the renet that started it exited');
  assert.equal(renet('start').action, 'running', 'starting again is a no-op');
  const info = execFileSync(requireTool('docker'), ['-H', `unix://${started.socket}`, 'info', '--format', '{{.DockerRootDir}}'], { encoding: 'utf8' }).trim();
  assert.equal(info, join(root, 'mnt/rediacc/mounts/guid-1/docker'), 'the data root is inside the repo\'s mount');

  const first = dockerPid();
  process.kill(first, 'SIGKILL');
  await waitFor('the supervisor to restart dockerd', async () => (existsSync(join(root, `var/run/rediacc/docker-${id}.pid`)) && dockerPid() !== first && renet('status').running ? true : undefined), 30_000, 200);

  assert.equal(renet('stop').action, 'stopped');
  assert.equal(renet('status').running, false);
  assert.equal(existsSync(join(root, `var/run/rediacc/docker-${id}.supervisor.pid`)), false);
});
