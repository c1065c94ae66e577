import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { serviceIp } from '../../src/core/infra/network.js';
import { candidateModel, candidateServiceName, parseHashes, ROLLOUT_ARGS } from '../../src/renet/rollout/candidate.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';

const run = promisify(execFile);

/**
 * The compose side of a rollout on compose v1 (docker-compose 1.29, what Debian 12 ships and
 * `machine setup` installs) and v2, on a real repo daemon: `config --hash=*` gives the hash compose
 * labels the container with, the candidate's model starts beside the service with `up -d --no-deps`,
 * and recreating the service itself leaves the candidate alone.
 */
describe('rollout compose commands on compose v1 and v2', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-rollout-v1-'));
  const id = 2816 + 64 * (7900 + Math.floor(Math.random() * 90));
  let daemon: Dockerd;

  before(async () => {
    daemon = await startDockerd(join(root, `docker-${id}.sock`), join(root, 'dockerd'));
    await importBusybox(daemon);
  });

  after(async () => {
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  for (const [name, cmd, prefix, slot] of [['v1', 'docker-compose', [], 0], ['v2', 'docker', ['compose'], 1]] as const) {
    test(`compose ${name}`, async () => {
      const project = `roll${name}`;
      const ip = serviceIp(id, slot);
      const candidateIp = serviceIp(id, 60 - slot);
      const model = (version: string) => ({
        services: {
          web: {
            image: BUSYBOX_IMAGE, init: true, network_mode: 'host', environment: { BIND: ip, PORT: '8080', NAME: version },
            labels: { 'rediacc.service_name': 'web', 'rediacc.service_ip': ip, 'rediacc.network_id': String(id) },
          },
        },
      });
      const compose = (file: string, args: string[]) => run(cmd, [...prefix, '-p', project, '--project-directory', root, '-f', file, ...args], { env: { PATH: process.env.PATH, DOCKER_HOST: `unix://${daemon.socket}` } });
      const main = join(root, `${project}.json`);
      writeFileSync(main, JSON.stringify(model('v1')));
      await compose(main, ['up', '-d']);
      const hashes = parseHashes((await compose(main, ROLLOUT_ARGS.hashes())).stdout);
      const running = (await daemon.docker('ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`)).trim();
      assert.equal(await daemon.docker('inspect', '--format', '{{index .Config.Labels "com.docker.compose.config-hash"}}', running).then((s) => s.trim()), hashes.web, 'the hash config --hash prints is the one on the container');

      // The new version's candidate, beside the old container.
      const next = model('v2');
      next.services.web.environment.BIND = candidateIp;
      const candidate = join(root, `${project}.candidate.json`);
      writeFileSync(candidate, JSON.stringify(candidateModel(next, 'web', candidateIp)));
      await compose(candidate, ROLLOUT_ARGS.startOne(candidateServiceName('web', candidateIp)));
      const ids = (await daemon.docker('ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`)).trim().split('\n').sort();
      assert.equal(ids.length, 2, 'the old container still runs beside the candidate');
      const cand = (await daemon.docker('ps', '-q', '--no-trunc', '--filter', 'label=rediacc.rollout=candidate', '--filter', `label=com.docker.compose.project=${project}`)).trim();
      assert.match(await daemon.docker('inspect', '--format', '{{index .Config.Labels "rediacc.service_name"}} {{index .Config.Labels "rediacc.service_ip"}}', cand), new RegExp(`^web ${candidateIp.replace(/\./g, '\\.')}`));
      assert.match((await waitHttp(candidateIp)).body, /hello from v2/);
      assert.match((await waitHttp(ip)).body, /hello from v1/);

      // The service recreated at its real address: the candidate is left alone.
      writeFileSync(main, JSON.stringify(model('v2')));
      await compose(main, ROLLOUT_ARGS.startOne('web'));
      assert.match((await waitHttp(ip)).body, /hello from v2/);
      assert.equal((await daemon.docker('ps', '-q', '--no-trunc', '--filter', 'label=rediacc.rollout=candidate', '--filter', `label=com.docker.compose.project=${project}`)).trim(), cand);
      assert.equal(parseHashes((await compose(main, ROLLOUT_ARGS.hashes())).stdout).web !== hashes.web, true, 'the changed model has another hash');
    });
  }
});

function waitHttp(ip: string) {
  return waitFor(`http on ${ip}:8080`, () => httpGet(ip, 8080, '/'), 10_000, 50);
}
