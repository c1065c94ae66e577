import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Machine } from '../../src/core/config/model.js';
import { serviceIp } from '../../src/core/infra/network.js';
import { renderRouterConfig } from '../../src/core/render/router-config.js';
import { buildRoutes } from '../../src/renet/route-server/build-routes.js';
import { emptyState, type ContainerInfo } from '../../src/renet/route-server/model.js';
import { testMachine } from '../helpers/machine.js';
import { ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd } from '../helpers/testbed/dockerd.js';
import { httpGet } from '../helpers/testbed/http.js';
import { freePort, privateLoopback, waitFor } from '../helpers/testbed/ports.js';
import { startProcess } from '../helpers/testbed/process.js';
import { startTraefik } from '../helpers/testbed/traefik.js';
import { fmt, percentile } from './stats.js';
import { syntheticDaemon } from './synthetic-docker.js';

const RENET = join(ROOT, 'dist/renet/renet.cjs');

async function machineFor(root: string, listen: string): Promise<Machine> {
  return testMachine(root, { baseDomain: 'bench.test', publicIPv4: listen, listenAddress: listen, httpPort: await freePort(), httpsPort: await freePort(), routeServerPort: await freePort(), apiPort: await freePort() });
}

/** Time from `docker start` (the API call) to the route in /routes.json and to a 200 through Traefik. */
export async function startToRouteBench(starts: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'rdc-bench-rs-'));
  const listen = privateLoopback();
  const machine = await machineFor(root, listen);
  const cfg = renderRouterConfig('bench', machine, []);
  const id = 2816 + 64 * (6000 + Math.floor(Math.random() * 1000));
  mkdirSync(cfg.socketDir, { recursive: true });
  const daemon = await startDockerd(join(cfg.socketDir, `docker-${id}.sock`), join(root, 'dockerd'));
  writeFileSync(join(root, 'router.json'), JSON.stringify(cfg));
  const router = startProcess(process.execPath, [RENET, 'route-server', '--config', join(root, 'router.json')]);
  const traefik = await startTraefik(join(root, 'opt/rediacc/proxy/traefik'), machine.infra);
  try {
    await importBusybox(daemon);
    const ip = serviceIp(id, 0);
    const cid = (await daemon.docker('create', '--init', '--network', 'host', '--label', 'rediacc.service_name=web', '--label', `rediacc.service_ip=${ip}`,
      '--label', 'rediacc.service_port=8080', '-e', `BIND=${ip}`, '-e', 'PORT=8080', BUSYBOX_IMAGE)).trim();
    const host = `web-${id}.bench.test`;
    const routesHave = async () => (await httpGet('127.0.0.1', machine.infra.routeServerPort, '/routes.json')).body.includes(host);
    const toRoutes: number[] = [];
    const toTraefik: number[] = [];
    for (let i = 0; i < starts; i++) {
      const t0 = performance.now();
      await dockerApi(daemon.socket, 'POST', `/containers/${cid}/start`);
      await waitFor('route in /routes.json', async () => ((await routesHave()) ? true : undefined), 10_000, 2);
      toRoutes.push(performance.now() - t0);
      await waitFor('200 through Traefik', async () => ((await httpGet(listen, machine.infra.httpPort, '/', host)).status === 200 ? true : undefined), 10_000, 5);
      toTraefik.push(performance.now() - t0);
      await dockerApi(daemon.socket, 'POST', `/containers/${cid}/stop?t=1`);
      await waitFor('Traefik to drop the route', async () => ((await httpGet(listen, machine.infra.httpPort, '/', host)).status === 404 ? true : undefined), 10_000, 20);
    }
    console.log(`\nRoute server: docker start → route (${starts} starts, real dockerd, renet route-server, Traefik 3.7 watching its file)`);
    console.log(`  start → in /routes.json         p50 ${fmt(percentile(toRoutes, 50))}   p95 ${fmt(percentile(toRoutes, 95))}   (target p95 ≤ 300 ms)`);
    console.log(`  start → 200 through Traefik     p50 ${fmt(percentile(toTraefik, 50))}   p95 ${fmt(percentile(toTraefik, 95))}   (target p95 ≤ 250 ms)`);
  } finally {
    await Promise.allSettled([traefik.stop(), router.stop(), daemon.stop()]);
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/** 100 daemons × 50 containers: recompute time, cached /routes.json latency, resident memory. */
export async function scaleBench(daemons = 100, perDaemon = 50): Promise<void> {
  const containers: ContainerInfo[] = [];
  const root = mkdtempSync(join(tmpdir(), 'rdc-bench-scale-'));
  const machine = await machineFor(root, '127.0.0.1');
  const cfg = renderRouterConfig('bench', machine, []);
  mkdirSync(cfg.socketDir, { recursive: true });
  const servers = [];
  for (let d = 0; d < daemons; d++) {
    const id = 2816 + 64 * d;
    servers.push(await syntheticDaemon(join(cfg.socketDir, `docker-${id}.sock`), id, perDaemon));
  }
  // The pure transform alone, as the route server runs it on every change.
  const raw = JSON.parse(await new Promise<string>((resolve) => {
    const req = request({ socketPath: join(cfg.socketDir, 'docker-2816.sock'), path: '/containers/json' }, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c.toString()));
      res.on('end', () => resolve(b));
    });
    req.end();
  })) as { Id: string; Names: string[]; Labels: Record<string, string>; Created: number }[];
  for (let d = 0; d < daemons; d++) {
    const id = 2816 + 64 * d;
    for (const c of raw) {
      const labels = Object.fromEntries(Object.entries(c.Labels).map(([k, v]) => [k.replaceAll('2816', String(id)), v.replaceAll('-2816.', `-${id}.`)]));
      labels['rediacc.service_ip'] = serviceIp(id, Number(c.Names[0]?.slice(4).split('-')[0]));
      labels['rediacc.network_id'] = String(id);
      containers.push({ id: `${id}-${c.Id}`, name: `${c.Names[0]}-${id}`, networkId: id, labels, startedAt: new Date(c.Created * 1000).toISOString() });
    }
  }
  // Cold: nothing memoized (the first computation after a start). Warm: what every later change
  // costs, with the per-container fragments the route server keeps between recomputes.
  const cold: number[] = [];
  const warm: number[] = [];
  const cache = new Map();
  let build = buildRoutes(containers, cfg, emptyState(), cache);
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    build = buildRoutes(containers, cfg, build.state, cache);
    warm.push(performance.now() - t0);
  }
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    buildRoutes(containers, cfg, build.state);
    cold.push(performance.now() - t0);
  }

  writeFileSync(join(root, 'router.json'), JSON.stringify(cfg));
  const router = startProcess(process.execPath, [RENET, 'route-server', '--config', join(root, 'router.json')]);
  try {
    await waitFor('the route server to discover 100 daemons', async () => {
      const r = await httpGet('127.0.0.1', machine.infra.routeServerPort, '/health').catch(() => undefined);
      return r?.status === 200 && (JSON.parse(r.body) as { daemons: unknown[] }).daemons.length === daemons ? true : undefined;
    }, 60_000, 50);
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      bytes = (await httpGet('127.0.0.1', machine.infra.routeServerPort, '/routes.json')).body.length;
      latencies.push(performance.now() - t0);
    }
    const rssKb = Number(/VmRSS:\s+([0-9]+)/.exec(readFileSync(`/proc/${router.child.pid}/status`, 'utf8'))?.[1]);
    console.log(`\nRoute server at scale (${daemons} daemons × ${perDaemon} containers = ${containers.length}, synthetic Docker API)`);
    console.log(`  full recompute, warm (per change) median ${fmt(percentile(warm, 50))}   max ${fmt(Math.max(...warm))}   (${build.counts.routers} routers, ${build.errors.length} label errors; target ≤ 50 ms)`);
    console.log(`  full recompute, cold (no memo)    median ${fmt(percentile(cold, 50))}   max ${fmt(Math.max(...cold))}`);
    console.log(`  GET /routes.json from cache      p50 ${fmt(percentile(latencies, 50))}   p95 ${fmt(percentile(latencies, 95))}   (${(bytes / 1024).toFixed(0)} KiB; target p95 ≤ 5 ms)`);
    console.log(`  route server resident memory     ${(rssKb / 1024).toFixed(1)} MB   (target ≤ 150 MB)`);
  } finally {
    await router.stop();
    for (const s of servers) s.close();
    rmSync(root, { recursive: true, force: true });
  }
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
