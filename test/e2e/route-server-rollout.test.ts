import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import writeFileAtomic from 'write-file-atomic';
import type { Machine } from '../../src/core/config/model.js';
import { serviceIp } from '../../src/core/infra/network.js';
import { renderRouterConfig } from '../../src/core/render/router-config.js';
import { pinsDir } from '../../src/renet/route-server/pins-watcher.js';
import { pinsFileName, serializePins } from '../../src/core/repo/rollout-pins.js';
import { testMachine } from '../helpers/machine.js';
import { ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { getJson, httpGet } from '../helpers/testbed/http.js';
import { distinctFreePorts, privateLoopback, waitFor } from '../helpers/testbed/ports.js';
import { startProcess, type Proc } from '../helpers/testbed/process.js';
import { startTraefik } from '../helpers/testbed/traefik.js';

/**
 * Issue 12 on the route-server bed: one repo dockerd, the bundled route server, the real Traefik.
 * Two real containers of one service (the old one and a `rediacc.rollout=candidate` on a transient
 * address), switched by renet's pins file; every answer is read through Traefik.
 */
describe('rollout pins with a real dockerd and the real Traefik', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-rollout-'));
  const listen = privateLoopback();
  const A = 2816 + 64 * (100 + Math.floor(Math.random() * 5000));
  const domain = 'example.test';
  let dockerd: Dockerd;
  let router: Proc;
  let traefik: Awaited<ReturnType<typeof startTraefik>>;
  let routerPort = 0;
  let pins = '';

  const host = `web-${A}.${domain}`;
  const viaTraefik = (name = host) => httpGet(listen, traefik.infra.httpPort, '/', name);
  const routerApi = <T>(path: string) => getJson<T>('127.0.0.1', routerPort, path);
  const start = async (name: string, slot: number, extra: Record<string, string> = {}, env: Record<string, string> = {}) => (await dockerd.docker('run', '-d', '--init', '--network', 'host', '--name', name,
    ...Object.entries({ 'rediacc.service_name': 'web', 'rediacc.service_ip': serviceIp(A, slot), 'rediacc.network_id': String(A), 'rediacc.service_port': '8080', ...extra }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...Object.entries({ BIND: serviceIp(A, slot), PORT: '8080', NAME: name, ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]), BUSYBOX_IMAGE)).trim();
  /** As renet writes it: atomically, root-only. */
  const pin = (services: Record<string, string>) => writeFileAtomic(join(pins, pinsFileName(A)), serializePins({ services }), { mode: 0o600 });
  const unpin = () => rmSync(join(pins, pinsFileName(A)), { force: true });
  /** Until Traefik answers from `name` only: 5 answers in a row. */
  const servedBy = (name: string) => waitFor(`Traefik to answer from ${name}`, async () => {
    for (let i = 0; i < 5; i++) if (!(await viaTraefik()).body.includes(`hello from ${name} `)) return undefined;
    return true;
  });

  before(async () => {
    const port = distinctFreePorts();
    const machine: Machine = testMachine(root, { baseDomain: domain, publicIPv4: listen, listenAddress: listen, httpPort: await port(), httpsPort: await port(), routeServerPort: await port(), apiPort: await port() });
    routerPort = machine.infra.routeServerPort;
    const cfg = renderRouterConfig('e2e', machine, ['compress', 'security-headers']);
    pins = pinsDir(cfg.stateDir);
    mkdirSync(cfg.socketDir, { recursive: true });
    dockerd = await startDockerd(join(cfg.socketDir, `docker-${A}.sock`), join(root, 'dockerd'));
    await importBusybox(dockerd);
    writeFileSync(join(root, 'router.json'), JSON.stringify(cfg));
    // No periodic resync: every switch below comes from the pins directory's watch.
    router = startProcess(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'route-server', '--config', join(root, 'router.json')], { ...process.env, RENET_ROUTER_RESYNC_MS: '600000' });
    await waitFor('the route server\'s /health', async () => ((await routerApi('/health')).status === 200 ? true : undefined));
    traefik = await startTraefik(join(root, 'opt/rediacc/proxy/traefik'), machine.infra);
  });

  after(async () => {
    const results = await Promise.allSettled([traefik?.stop(), router?.stop(), dockerd?.stop()]);
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw new Error(`teardown: ${failed.map((f) => String((f as PromiseRejectedResult).reason)).join('; ')}`);
  });

  test('a candidate beside the old container gets no traffic; a pin switches the service to it and back, with no failed request', async () => {
    const old = await start('web-old', 0);
    await servedBy('web-old');
    const candidate = await start('web-new', 40, { 'rediacc.rollout': 'candidate' });
    type Health = { status: string; errors: unknown[]; rollouts: { service: string; published: string[]; held: string[]; by: string }[] };
    const held = await waitFor('/health to show the candidate held back', async () => {
      const h = (await routerApi<Health>('/health')).json;
      return h.rollouts.length ? h : undefined;
    });
    assert.deepEqual(held.rollouts, [{ networkId: A, service: 'web', published: ['web-old'], held: ['web-new'], by: 'candidate-rule' }]);
    assert.deepEqual(held.errors, [], 'two containers of one service in a rollout are no duplicate');
    assert.equal(held.status, 'ok');
    // The candidate answers on its own address, yet Traefik still sends everything to the old one.
    // (Its start event is no proof that httpd has bound its port yet: wait for the address.)
    const direct = await waitFor('the candidate on its own address', async () => {
      const r = await httpGet(serviceIp(A, 40), 8080, '/');
      return r.status === 200 ? r : undefined;
    });
    assert.match(direct.body, /hello from web-new /);
    await servedBy('web-old');

    // A steady load through Traefik while the pin moves the service to the candidate and back.
    const answers: string[] = [];
    let stop = false;
    const load = Promise.all(Array.from({ length: 4 }, async () => {
      while (!stop) {
        const r = await viaTraefik().catch((err: Error) => ({ status: 0, body: err.message }));
        answers.push(r.status === 200 ? (/hello from (web-old|web-new) /.exec(r.body)?.[1] ?? r.body) : `${r.status} ${r.body}`);
      }
    }));
    try {
      await pin({ web: candidate });
      await servedBy('web-new');
      const routers = await getJson<Record<string, { service?: string }>>(traefik.api.host, traefik.api.port, '/api/rawdata');
      assert.ok(JSON.stringify(routers.json).includes(`"auto-web-${A}@file"`), 'the router keeps its name');
      await pin({ web: old });
      await servedBy('web-old');
    } finally {
      stop = true;
      await load;
    }
    const bad = answers.filter((a) => a !== 'web-old' && a !== 'web-new');
    assert.deepEqual(bad, [], `${bad.length} of ${answers.length} requests failed or came from elsewhere`);
    assert.ok(answers.includes('web-new') && answers.includes('web-old'), 'the load saw both containers');

    // No pin: the candidate rule again; the old container gone: the candidate is the service.
    unpin();
    await pin({ web: candidate });
    await servedBy('web-new');
    unpin();
    await servedBy('web-old');
    await dockerd.docker('rm', '-f', 'web-old');
    await servedBy('web-new');
    const after_ = (await routerApi<Health>('/health')).json;
    assert.deepEqual(after_.rollouts, []);
    await dockerd.docker('rm', '-f', 'web-new');
    await waitFor('the route gone', async () => ((await viaTraefik()).status === 404 ? true : undefined));
  });

  test('a route server restarted during a rollout reads the pin before it publishes', async () => {
    // Whatever the first test left when it stopped at a failed assertion (its containers, a pin).
    await dockerd.docker('rm', '-f', 'web-old', 'web-new').catch(() => undefined);
    unpin();
    await waitFor('no route left', async () => ((await viaTraefik()).status === 404 ? true : undefined));
    await start('web-old', 0);
    const candidate = await start('web-new', 40, { 'rediacc.rollout': 'candidate' });
    await pin({ web: candidate });
    await servedBy('web-new');
    await router.stop();
    router = startProcess(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'route-server', '--config', join(root, 'router.json')], { ...process.env, RENET_ROUTER_RESYNC_MS: '600000' });
    await waitFor('the restarted route server', async () => ((await routerApi('/routes.json')).status === 200 ? true : undefined));
    const { json } = await routerApi<{ http: { services: Record<string, { loadBalancer: { servers: { url: string }[] } }> } }>('/routes.json');
    assert.deepEqual(json.http.services[`auto-web-${A}`]?.loadBalancer.servers, [{ url: `http://${serviceIp(A, 40)}:8080` }]);
    await servedBy('web-new');
    unpin();
    await servedBy('web-old');
    await dockerd.docker('rm', '-f', 'web-old', 'web-new');
  });
});
