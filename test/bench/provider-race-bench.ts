import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { serviceIp } from '../../src/core/infra/network.js';
import { renderRouterConfig } from '../../src/core/render/router-config.js';
import { testMachine } from '../helpers/machine.js';
import { ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { httpGet } from '../helpers/testbed/http.js';
import { freePort, privateLoopback, waitFor } from '../helpers/testbed/ports.js';
import { startProcess, type Proc } from '../helpers/testbed/process.js';
import { startTraefik } from '../helpers/testbed/traefik.js';
import { requireTool } from '../helpers/testbed/tools.js';
import { fmt, percentile } from './stats.js';

const RENET = join(ROOT, 'dist/renet/renet.cjs');

/**
 * rdc against Traefik's own Docker provider, side by side in one run, on the same dockerd and the
 * same containers: two real Traefiks, one fed by the route server's watched file, one by its Docker
 * provider pointed at the repo daemon's socket (here only; production never gives Traefik a socket),
 * with the same 100 ms providersThrottleDuration. Each container carries level-2 labels both read;
 * it listens on 0.0.0.0:{port}, so the route server's {SERVICE_IP}:{port} and the Docker provider's
 * 127.0.0.1:{port} (host networking) reach the same process. A random idle comes before every
 * event; times run from the API call's return to the first 200 (start) or 404 (stop) through each
 * Traefik. /health is sampled every 100 ms throughout.
 */
export async function providerRaceBench(singles: number, bursts: number, burstSize = 10): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'rdc-bench-race-'));
  const listen = privateLoopback();
  const machine = testMachine(root, { baseDomain: 'bench.test', publicIPv4: listen, listenAddress: listen, httpPort: await freePort(), httpsPort: await freePort(), routeServerPort: await freePort() });
  const cfg = renderRouterConfig('bench', machine, []);
  const id = 2816 + 64 * (7000 + Math.floor(Math.random() * 1000));
  mkdirSync(cfg.socketDir, { recursive: true });
  const procs: Proc[] = [];
  const daemon = await startDockerd(join(cfg.socketDir, `docker-${id}.sock`), join(root, 'dockerd'));
  let sampling = true;
  const health: string[] = [];
  try {
    await importBusybox(daemon);
    writeFileSync(join(root, 'router.json'), JSON.stringify(cfg));
    procs.push(startProcess(process.execPath, [RENET, 'route-server', '--config', join(root, 'router.json')]));
    const rdcTraefik = await startTraefik(join(root, 'opt/rediacc/proxy/traefik'), machine.infra);
    procs.push(rdcTraefik);
    const dockerTraefik = await startDockerProviderTraefik(join(root, 'traefik-docker'), daemon.socket, listen);
    procs.push(dockerTraefik.proc);
    const fronts = [{ name: 'rdc (watched file)', port: machine.infra.httpPort }, { name: 'Traefik Docker provider', port: dockerTraefik.port }];

    const containers: { cid: string; host: string }[] = [];
    for (let i = 0; i < burstSize; i++) {
      const port = await freePort();
      const host = `race${i}.bench.test`;
      const labels = {
        'rediacc.service_name': `race${i}`, 'rediacc.service_ip': serviceIp(id, i), 'rediacc.network_id': String(id), 'traefik.enable': 'true',
        [`traefik.http.routers.race${i}.rule`]: `Host(\`${host}\`)`, [`traefik.http.routers.race${i}.entrypoints`]: 'web',
        [`traefik.http.services.race${i}.loadbalancer.server.port`]: String(port),
      };
      const cid = (await daemon.docker('create', '--init', '--network', 'host', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        '-e', 'BIND=0.0.0.0', '-e', `PORT=${port}`, BUSYBOX_IMAGE)).trim();
      containers.push({ cid, host });
    }
    void (async () => {
      while (sampling) {
        const r = await httpGet('127.0.0.1', cfg.listen.port, '/health').catch(() => undefined);
        if (r?.status === 200) health.push((JSON.parse(r.body) as { status: string }).status);
        await sleep(100);
      }
    })();

    const results = new Map<string, number[]>();
    const add = (key: string, ms: number) => results.set(key, [...(results.get(key) ?? []), ms]);
    /** From `t0` until every front answers `status` for `host`; one sample per front. */
    const race = async (kind: string, host: string, status: number, t0: number) => Promise.all(fronts.map(async (f) => {
      await waitFor(`${f.name}: ${host} → ${status}`, async () => ((await httpGet(listen, f.port, '/', host)).status === status ? true : undefined), 15_000, 3);
      add(`${kind}|${f.name}`, performance.now() - t0);
    }));
    const event = async (c: { cid: string; host: string }, action: 'start' | 'stop', kind: string) => {
      await dockerApi(daemon.socket, 'POST', `/containers/${c.cid}/${action}${action === 'stop' ? '?t=1' : ''}`);
      await race(kind, c.host, action === 'start' ? 200 : 404, performance.now());
    };
    const idle = () => sleep(300 + Math.random() * 1700);

    for (let i = 0; i < singles; i++) {
      const c = containers[0] as { cid: string; host: string };
      await idle();
      await event(c, 'start', 'single start → 200');
      await idle();
      await event(c, 'stop', 'single stop → 404');
    }
    for (let b = 0; b < bursts; b++) {
      await idle();
      await Promise.all(containers.map((c) => event(c, 'start', `burst of ${burstSize} start → 200`)));
      await idle();
      await Promise.all(containers.map((c) => event(c, 'stop', `burst of ${burstSize} stop → 404`)));
    }

    console.log(`\nRoutes live: rdc vs Traefik's own Docker provider (same dockerd, same containers, two Traefik 3.7, both with a 100 ms throttle;`);
    console.log(`  ${singles} single starts/stops, ${bursts} bursts of ${burstSize}; random idle 0.3-2 s before each; goal: rdc p95 ≤ 250 ms and never slower than Docker at p95)`);
    console.log(`  ${'event'.padEnd(28)} ${fronts.map((f) => f.name.padStart(30)).join(' ')}`);
    for (const kind of [...new Set([...results.keys()].map((k) => k.split('|')[0] as string))]) {
      const cells = fronts.map((f) => {
        const s = results.get(`${kind}|${f.name}`) ?? [];
        return `p50 ${fmt(percentile(s, 50))} / p95 ${fmt(percentile(s, 95))}`.padStart(30);
      });
      console.log(`  ${kind.padEnd(28)} ${cells.join(' ')}`);
    }
    const ok = health.filter((h) => h === 'ok').length;
    console.log(`  route server /health ok in ${ok} of ${health.length} samples (${((100 * ok) / Math.max(1, health.length)).toFixed(1)} %)`);
  } finally {
    sampling = false;
    await Promise.allSettled([...procs.map((p) => p.stop()), daemon.stop()]);
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/** A second Traefik with only the Docker provider, on its own `web` port and internal API. */
async function startDockerProviderTraefik(dir: string, socket: string, listen: string): Promise<{ proc: Proc; port: number }> {
  const [port, api] = [await freePort(), await freePort()];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'traefik.yml'), stringify({
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: 'ERROR' },
    entryPoints: { web: { address: `${listen}:${port}` }, traefik: { address: `127.0.0.1:${api}` } },
    providers: { providersThrottleDuration: '100ms', docker: { endpoint: `unix://${socket}`, exposedByDefault: false } },
    api: { insecure: true, dashboard: false },
  }));
  const proc = startProcess(requireTool('traefik'), [`--configFile=${join(dir, 'traefik.yml')}`]);
  await waitFor('the Docker-provider Traefik', async () => {
    if (proc.child.exitCode !== null) throw new Error(`Traefik exited: ${proc.output().slice(-800)}`);
    return (await httpGet('127.0.0.1', api, '/api/version')).status === 200 ? true : undefined;
  });
  return { proc, port };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function dockerApi(socket: string, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
