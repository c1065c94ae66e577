import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serviceIp } from '../../src/core/infra/network.js';
import { ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';

/**
 * A repo brought up and down the way `rdc repo up` will: renet lifecycle → Rediaccfile →
 * `renet compose -- up -d` → compose (v2 or v1) → the repo's own dockerd, with real containers.
 */
describe('renet lifecycle and renet compose on a real repo daemon', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-repo-'));
  const repo = join(root, "my-app it's");
  const id = 2816 + 64 * (7000 + Math.floor(Math.random() * 800));
  let daemon: Dockerd;
  const lifecycle = (phase: string) => {
    const input = JSON.stringify({
      repoPath: repo, phase,
      env: { REPOSITORY_NAME: 'my-app', REPOSITORY_PATH: repo, REPOSITORY_NETWORK_ID: String(id), DOCKER_HOST: `unix://${daemon.socket}` },
    });
    try {
      return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'lifecycle'], { input, encoding: 'utf8' })) as { ok: boolean; steps: { fn: string; status: string; output: string }[] };
    } catch (err) {
      return JSON.parse((err as { stdout: string }).stdout) as { ok: boolean; steps: { fn: string; status: string; output: string }[] };
    }
  };

  before(async () => {
    daemon = await startDockerd(join(root, `docker-${id}.sock`), join(root, 'dockerd'));
    await importBusybox(daemon);
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'compose.yaml'), `services:
  web:
    image: ${BUSYBOX_IMAGE}
    init: true
    restart: unless-stopped
    environment: { BIND: "\${WEB_IP}", PORT: "8080", NAME: web, DB: "\${DB_IP}:5432" }
    labels: ["traefik.enable=true", "traefik.http.routers.web.rule=Host(\`app.example.com\`)"]
  db:
    image: ${BUSYBOX_IMAGE}
    init: true
    environment: { BIND: "\${DB_IP}", PORT: "5432", NAME: db }
    ports: ["5432:5432"]
`);
    writeFileSync(join(repo, 'Rediaccfile'), '#!/bin/bash\nprep() { mkdir -p data; }\nup() { renet compose -- up -d; }\ndown() { renet compose -- down; }\n');
  });

  after(async () => {
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  test('up: services on their own loopback IPs, labelled, {SERVICE}_IP interpolated, slots recorded', async () => {
    const r = lifecycle('up');
    assert.equal(r.ok, true, JSON.stringify(r.steps));
    const slots = JSON.parse(readFileSync(join(repo, '.rediacc.json'), 'utf8')) as { services: Record<string, { slot: number }> };
    assert.deepEqual(slots, { services: { db: { slot: 0 }, web: { slot: 1 } } });
    // Compose returns once the container runs; its shell still has to exec httpd.
    const web = await waitFor('web on its own address', () => httpGet(serviceIp(id, 1), 8080, '/'), 10_000, 50);
    assert.match(web.body, /hello from web at /);
    const labels = JSON.parse(await daemon.docker('inspect', '--format', '{{json .Config.Labels}}', (await daemon.docker('ps', '-q', '--filter', 'label=rediacc.service_name=web')).trim())) as Record<string, string>;
    assert.equal(labels['rediacc.service_ip'], serviceIp(id, 1));
    assert.equal(labels['rediacc.network_id'], String(id));
    assert.equal(labels['traefik.http.routers.web.rule'], 'Host(`app.example.com`)');
    const env = await daemon.docker('inspect', '--format', '{{json .Config.Env}}', (await daemon.docker('ps', '-q', '--filter', 'label=rediacc.service_name=web')).trim());
    assert.ok(env.includes(`DB=${serviceIp(id, 0)}:5432`), 'DB_IP was interpolated');
    const mode = await daemon.docker('inspect', '--format', '{{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}}', (await daemon.docker('ps', '-q', '--filter', 'label=rediacc.service_name=web')).trim());
    assert.equal(mode.trim(), 'host unless-stopped', 'host networking; the restart policy kept');
  });

  test('down: the containers are gone', async () => {
    assert.equal(lifecycle('down').ok, true);
    assert.equal((await daemon.docker('ps', '-aq')).trim(), '');
  });

  test('a dangerous setting stops up() with a message naming the service and the setting', () => {
    writeFileSync(join(repo, 'compose.yaml'), `services:\n  web:\n    image: ${BUSYBOX_IMAGE}\n    privileged: true\n`);
    const r = lifecycle('up');
    assert.equal(r.ok, false);
    const up = r.steps.find((s) => s.fn === 'up');
    assert.match(up?.output ?? '', /compose\.yaml: service web: services\.web\.privileged: gives the container full root on the host; remove it, or run rdc repo up --unsafe/);
  });

  test('a compose file that does not parse is reported', () => {
    writeFileSync(join(repo, 'compose.yaml'), 'services:\n  web: [unclosed\n');
    const r = lifecycle('up');
    assert.equal(r.ok, false);
    assert.match(r.steps.find((s) => s.fn === 'up')?.output ?? '', /compose\.yaml: does not parse as YAML: .*; fix the file/);
  });
});
