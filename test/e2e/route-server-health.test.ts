import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRepoBed } from '../helpers/repo-bed.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';

/**
 * Issue 12 part 3 for real: `rdc repo up` of a repo whose web (HTTP, `rediacc.healthcheck.path`)
 * and db (TCP) services carry health labels; Traefik (the proxy container push-infra started) gets
 * the health checks with the routes. The server process in each container then dies while the
 * container keeps running: Traefik takes it out of rotation (503 rather than a 502 per request),
 * and `rdc machine status` says which service, repo, address and container, and that its health
 * check fails. Once the process is back, so are the route and a clean status.
 */
test('a backend that dies after the deploy leaves rotation and machine status says so', async () => {
  const bed = await startRepoBed('health');
  const id = bed.networkId(0);
  const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${join(bed.server.rootPrefix, `var/run/rediacc/docker-${id}.sock`)}`, ...args], { encoding: 'utf8' }).trim();
  const container = (service: string) => docker('ps', '-q', '--filter', `label=rediacc.service_name=${service}`);
  const web = () => httpGet(bed.listen, bed.ports.http, '/', `web-${id}.${bed.domain}`).catch((err: Error) => ({ status: 0, body: err.message }));
  type Status = { findings: string[]; router: { health: { unhealthy: { networkId: number; service: string; container: string; address: string; check: string }[] } } };
  const status = async () => {
    const r = await bed.rdc(['--json', 'machine', 'status', 's1']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Status;
  };
  try {
    const src = bed.exampleSource('healthy', `healthy.${bed.domain}`);
    writeFileSync(join(src, 'www/health.html'), 'ok\n');
    // The server runs in the background of a shell that stays: killing it leaves its container running.
    // A 2 s probe timeout: busybox httpd forks per request and can be slower than that under load, while a
    // killed one refuses the connection at once whatever the timeout.
    const service = (name: string, port: number, labels: string) => `  ${name}:
    image: rdc-example/busybox:1
    init: true
    command: ["sh", "-c", "httpd -p $\${${name.toUpperCase()}_IP}:${port} -h /www; while sleep 1; do :; done"]
    environment: { ${name.toUpperCase()}_IP: "\${${name.toUpperCase()}_IP}" }
    volumes: ["./www:/www:ro"]
    labels: { ${labels}, rediacc.healthcheck.interval: 500ms, rediacc.healthcheck.timeout: 2s }
`;
    writeFileSync(join(src, 'compose.yaml'), `services:\n${service('web', 8080, 'rediacc.service_port: "8080", rediacc.healthcheck.path: /health.html')}${service('db', 5432, 'rediacc.tcp_ports: "5432"')}`);
    const up = await bed.rdc(['repo', 'up', 'healthy', '-m', 's1', '--path', src, '--mount', '--network-id', String(id)]);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    await waitFor('web through Traefik', async () => ((await web()).status === 200 ? true : undefined));
    // One slow probe on a loaded machine is a short blip (machine status shows the route server's last poll of
    // Traefik, up to 2 s old): wait for the clean status rather than read it once.
    const healthy = await waitFor('a clean status after the deploy', async () => {
      const s = await status();
      return s.router.health.unhealthy.length === 0 ? s : undefined;
    }, 20_000, 500);
    assert.deepEqual(healthy.router.health.unhealthy, []);
    assert.deepEqual(healthy.findings.filter((f) => f.includes('health check')), []);

    const [webIp, dbIp] = [docker('exec', container('web'), 'sh', '-c', 'echo $WEB_IP'), docker('exec', container('db'), 'sh', '-c', 'echo $DB_IP')];
    docker('exec', container('web'), 'killall', 'httpd');
    docker('exec', container('db'), 'killall', 'httpd');
    // 503: Traefik has no server left in rotation (without the health check each request would try it: 502).
    const out = await waitFor('Traefik to take web out of rotation', async () => {
      const r = await web();
      return r.status === 503 ? r : undefined;
    }, 20_000);
    assert.match(out.body, /no available server/i);
    const down = await waitFor('machine status to show both backends failing', async () => {
      const s = await status();
      return s.router.health.unhealthy.length === 2 ? s : undefined;
    }, 20_000, 500);
    assert.deepEqual(down.router.health.unhealthy.map((u) => [u.networkId, u.service, u.address, u.check]).sort(), [
      [id, 'db', `${dbIp}:5432`, 'TCP connect'],
      [id, 'web', `${webIp}:8080`, 'HTTP GET /health.html'],
    ]);
    for (const [service, address, check] of [['web', `${webIp}:8080`, 'HTTP GET /health.html'], ['db', `${dbIp}:5432`, 'TCP connect']]) {
      const line = down.findings.find((f) => f.startsWith(`Service ${service} of repo healthy (network ${id}) → ${address}`));
      assert.ok(line, down.findings.join('\n'));
      assert.match(line, new RegExp(`\\(container [^)]+\\): health check failing \\(${check}\\); Traefik took it out of rotation`));
    }
    const text = await bed.rdc(['machine', 'status', 's1']);
    assert.match(text.stdout, new RegExp(`Service web of repo healthy \\(network ${id}\\) → ${webIp.replace(/\./g, '\\.')}:8080 .*health check failing`));

    docker('exec', container('web'), 'sh', '-c', 'httpd -p $WEB_IP:8080 -h /www');
    docker('exec', container('db'), 'sh', '-c', 'httpd -p $DB_IP:5432 -h /www');
    await waitFor('web back in rotation', async () => ((await web()).status === 200 ? true : undefined), 20_000);
    await waitFor('a clean status again', async () => ((await status()).router.health.unhealthy.length === 0 ? true : undefined), 20_000, 500);
  } finally {
    await bed.rdc(['repo', 'delete', 'healthy', '--yes']);
    await bed.stop();
  }
});
