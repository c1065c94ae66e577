import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../helpers/paths.js';
import { startRepoBed } from '../helpers/repo-bed.js';
import { httpGet } from '../helpers/testbed/http.js';
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

/**
 * A repo daemon that crashes (kill -9) is restarted by renet's supervisor, and its containers come
 * back with it: those with a restart policy through Docker, the one without (web, edited here)
 * through renet, which starts what was running at the crash. What the user stopped stays stopped,
 * and a repo running fewer containers than it declares is a finding of machine and repo status.
 */
test('after a repo daemon crash its containers are back and serving; a stopped service is a status finding', async () => {
  const bed = await startRepoBed('crash');
  const id = bed.networkId(0);
  const sock = join(bed.server.rootPrefix, `var/run/rediacc/docker-${id}.sock`);
  const pidfile = join(bed.server.rootPrefix, `var/run/rediacc/docker-${id}.pid`);
  const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${sock}`, ...args], { encoding: 'utf8' }).trim();
  const running = () => docker('ps', '-q').split('\n').filter(Boolean).sort();
  const webServes = async () => (await httpGet(bed.listen, bed.ports.http, '/', `web-${id}.${bed.domain}`).catch(() => ({ status: 0 }))).status === 200;
  // The daemon dies with everything under it (containerd, the shims, the containers), as when the
  // OOM killer or a crash takes the lot: Docker then brings back only what has a restart policy.
  // (dockerd alone dying leaves the containers alive, and Docker 20.10 restarts those itself.)
  const crash = async () => {
    const pid = Number(readFileSync(pidfile, 'utf8'));
    const inits = docker('ps', '-q').split('\n').filter(Boolean).map((c) => Number(docker('inspect', '--format', '{{.State.Pid}}', c)));
    const helpers = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`exec-${id}/containerd/`);
      } catch {
        return false;
      }
    });
    for (const p of [pid, ...helpers, ...inits]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await waitFor('the supervisor to restart dockerd', async () => {
      try {
        return Number(readFileSync(pidfile, 'utf8')) !== pid && docker('version', '--format', '{{.Server.Version}}') ? true : undefined;
      } catch {
        return undefined;
      }
    }, 60_000, 200);
  };
  try {
    const src = bed.exampleSource('crashy', `crashy.${bed.domain}`);
    const compose = readFileSync(join(src, 'compose.yaml'), 'utf8');
    // web (the first service) without a restart policy: only renet can bring it back.
    writeFileSync(join(src, 'compose.yaml'), compose.replace('    restart: unless-stopped\n', ''));
    const up = await bed.rdc(['repo', 'up', 'crashy', '-m', 's1', '--path', src, '--mount', '--network-id', String(id)]);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const before = running();
    assert.equal(before.length, 3);
    assert.match(docker('inspect', '--format', '{{.HostConfig.RestartPolicy.Name}}', docker('ps', '-q', '--filter', 'label=rediacc.service_name=web')), /^(no)?$/, 'the user\'s (absent) policy is kept');

    await crash();
    await waitFor('all three containers running again, web served through Traefik', async () => (running().join() === before.join() && (await webServes()) ? true : undefined), 60_000, 250);

    const db = docker('ps', '-q', '--filter', 'label=rediacc.service_name=db');
    docker('stop', db);
    const machine = await bed.rdc(['--json', 'machine', 'status', 's1']);
    assert.equal(machine.code, 0, machine.stderr);
    const m = JSON.parse(machine.stdout) as { findings: string[]; repos: { networkId: number; ok: boolean; running: number; declared: number; stopped: { service: string }[] }[] };
    assert.ok(m.findings.some((f) => /Repo crashy runs 2 of its 3 containers; not running: db \(Exited .*\)\. Start them again with rdc repo up crashy/.test(f)), m.findings.join('\n'));
    const state = m.repos.find((r) => r.networkId === id);
    assert.deepEqual([state?.ok, state?.running, state?.declared, state?.stopped.map((c) => c.service)], [true, 2, 3, ['db']]);
    const repo = await bed.rdc(['repo', 'status', 'crashy']);
    assert.equal(repo.code, 0, repo.stderr);
    assert.match(repo.stdout, /Findings:\n\s+- Repo crashy runs 2 of its 3 containers; not running: db \(Exited/);

    // A second crash: what the user stopped by hand stays stopped, the rest comes back.
    await crash();
    await waitFor('web and app running again', async () => (running().length === 2 && (await webServes()) ? true : undefined), 60_000, 250);
    assert.match(docker('inspect', '--format', '{{.State.Status}}', db), /exited/);

    // The fix the finding names.
    const again = await bed.rdc(['repo', 'up', 'crashy']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(running(), before);
    const after = JSON.parse((await bed.rdc(['--json', 'machine', 'status', 's1'])).stdout) as { findings: string[] };
    assert.ok(!after.findings.some((f) => f.includes('crashy')), after.findings.join('\n'));
  } finally {
    await bed.rdc(['repo', 'delete', 'crashy', '--yes']);
    await bed.stop();
  }
});
