import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Machine } from '../../src/core/config/model.js';
import { serviceIp } from '../../src/core/infra/network.js';
import type { RouteOwners } from '../../src/core/protocol/route-owners.js';
import { renderRouterConfig } from '../../src/core/render/router-config.js';
import { publishedRouters } from '../../src/renet/route-server/proxy-compare.js';
import { testMachine } from '../helpers/machine.js';
import { ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { getJson, httpGet, tcpExchange } from '../helpers/testbed/http.js';
import { distinctFreePorts, privateLoopback, waitFor } from '../helpers/testbed/ports.js';
import { startProcess, type Proc } from '../helpers/testbed/process.js';
import { startTraefik } from '../helpers/testbed/traefik.js';

/**
 * The route server for real: two repo dockerds, containers labelled the way renet compose labels
 * them, the bundled renet route-server process, and the real Traefik polling it. Requests travel
 * client → Traefik → container.
 */
describe('route server with real dockerds and the real Traefik', () => {
  // Removed in after(), once the daemons are down and nothing is mounted below it.
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-routes-'));
  const listen = privateLoopback();
  // Network IDs of our own (2816 + 64·n), so parallel test files never share container IPs.
  const n = 100 + Math.floor(Math.random() * 5000);
  const [A, B] = [2816 + 64 * n, 2816 + 64 * (n + 1)];
  const daemons = new Map<number, Dockerd>();
  let router: Proc;
  let traefik: Awaited<ReturnType<typeof startTraefik>>;
  let routerPort = 0;
  const domain = 'example.test';

  const routerApi = <T>(path: string) => getJson<T>('127.0.0.1', routerPort, path);
  const viaTraefik = (host: string) => httpGet(listen, traefik.infra.httpPort, '/', host);
  const run = (id: number, name: string, labels: Record<string, string>, env: Record<string, string>) =>
    daemons.get(id)?.docker('run', '-d', '--init', '--network', 'host', '--name', name,
      ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), BUSYBOX_IMAGE);
  const rediacc = (id: number, service: string, slot: number) => ({
    'rediacc.service_name': service, 'rediacc.service_ip': serviceIp(id, slot), 'rediacc.network_id': String(id),
  });

  before(async () => {
    const port = distinctFreePorts();
    const machine: Machine = testMachine(root, { baseDomain: domain, publicIPv4: listen, listenAddress: listen, httpPort: await port(), httpsPort: await port(), routeServerPort: await port(), apiPort: await port() });
    routerPort = machine.infra.routeServerPort;
    const cfg = renderRouterConfig('e2e', machine, ['compress', 'security-headers']);
    mkdirSync(cfg.socketDir, { recursive: true });
    await Promise.all([A, B].map(async (id) => {
      const d = await startDockerd(join(cfg.socketDir, `docker-${id}.sock`), join(root, `dockerd-${id}`));
      daemons.set(id, d);
      await importBusybox(d);
    }));
    writeFileSync(join(root, 'router.json'), JSON.stringify(cfg));
    router = startProcess(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'route-server', '--config', join(root, 'router.json')],
      // No periodic resync within the test: every change below must come from the events stream.
      { ...process.env, RENET_ROUTER_GRACE_MS: '600000', RENET_ROUTER_RESYNC_MS: '600000' });
    await waitFor('the route server\'s /health', async () => ((await routerApi('/health')).status === 200 ? true : undefined));
    // The directory the route server writes its file into (renderRouterConfig's dynamicFile).
    traefik = await startTraefik(join(root, 'opt/rediacc/proxy/traefik'), machine.infra);

    await run(A, 'web', { ...rediacc(A, 'web', 0), 'rediacc.service_port': '8080' }, { BIND: serviceIp(A, 0), PORT: '8080', NAME: 'web-A' });
    await run(A, 'app', {
      ...rediacc(A, 'app', 1), 'traefik.enable': 'true',
      'traefik.http.routers.app.rule': `Host(\`app.${domain}\`)`, 'traefik.http.routers.app.entrypoints': 'web',
      'traefik.http.routers.app.middlewares': 'app-hsts', 'traefik.http.middlewares.app-hsts.headers.stsSeconds': '15768000',
      'traefik.http.middlewares.app-hsts.headers.stsIncludeSubdomains': 'true', 'traefik.http.middlewares.app-hsts.headers.forceSTSHeader': 'true',
      'traefik.http.services.app.loadbalancer.server.port': '3000',
    }, { BIND: serviceIp(A, 1), PORT: '3000', NAME: 'app-A' });
    await run(A, 'db', { ...rediacc(A, 'db', 2), 'rediacc.tcp_ports': '5432' }, { BIND: serviceIp(A, 2), PORT: '5432', NAME: 'db-A' });
    await run(B, 'web', { ...rediacc(B, 'web', 0), 'rediacc.service_port': '8080' }, { BIND: serviceIp(B, 0), PORT: '8080', NAME: 'web-B' });
  });

  after(async () => {
    // Every part is stopped even if another one fails to.
    const results = await Promise.allSettled([traefik?.stop(), router?.stop(), ...[...daemons.values()].map((d) => d.stop())]);
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw new Error(`teardown: ${failed.map((f) => String((f as PromiseRejectedResult).reason)).join('; ')}`);
  });

  test('requests with the right Host reach the right container (level 1, both repos)', async () => {
    for (const [id, name] of [[A, 'web-A'], [B, 'web-B']] as const) {
      const r = await waitFor(`web-${id}.${domain} through Traefik`, async () => {
        const res = await viaTraefik(`web-${id}.${domain}`);
        return res.status === 200 ? res : undefined;
      });
      assert.match(r.body, new RegExp(`hello from ${name} at `));
    }
  });

  test('a level-2 route with the HSTS middleware returns the header', async () => {
    const r = await waitFor('app through Traefik', async () => {
      const res = await viaTraefik(`app.${domain}`);
      return res.status === 200 ? res : undefined;
    });
    assert.match(r.body, /hello from app-A/);
    assert.equal(r.headers['strict-transport-security'], 'max-age=15768000; includeSubDomains');
  });

  test('a TCP route forwards bytes through tcp-5432', async () => {
    const answer = await waitFor('tcp-5432 through Traefik', async () => {
      const reply = await tcpExchange(listen, 5432, 'GET / HTTP/1.0\r\n\r\n').catch(() => '');
      return reply.includes('hello from db-A') ? reply : undefined;
    });
    assert.match(answer, /^HTTP\/1\.[01] 200/);
    const ports = await routerApi<{ tcp: { port: number; networkId: number; backend: string }[] }>('/ports');
    assert.deepEqual(ports.json.tcp.map((p) => [p.port, p.networkId, p.backend]), [[5432, A, `${serviceIp(A, 2)}:5432`]]);
  });

  test('/owners.json says whose each router of /routes.json is: repo, container, service, level, hosts, ports', async () => {
    const owners = await waitFor('the four routers in /owners.json', async () => {
      const { status, json } = await routerApi<RouteOwners>('/owners.json');
      return status === 200 && json.routes.length === 4 ? json.routes : undefined;
    });
    const dynamic = (await routerApi<Record<string, unknown>>('/routes.json')).json;
    assert.deepEqual(new Set(owners.map((o) => `${o.kind}/${o.router}`)), publishedRouters(dynamic), 'the same routers as Traefik\'s config');
    assert.deepEqual(owners.map((o) => `${o.networkId} ${o.container} ${o.service} level ${o.level} hosts [${o.hosts.join()}] ports [${o.ports.join()}] -> ${o.backends.join()}`).sort(), [
      `${A} app app level 2 hosts [app.${domain}] ports [] -> http://${serviceIp(A, 1)}:3000`,
      `${A} db db level 1 hosts [] ports [5432] -> ${serviceIp(A, 2)}:5432`,
      `${A} web web level 1 hosts [web-${A}.${domain}] ports [] -> http://${serviceIp(A, 0)}:8080`,
      `${B} web web level 1 hosts [web-${B}.${domain}] ports [] -> http://${serviceIp(B, 0)}:8080`,
    ]);
  });

  test('an unknown host gets Traefik\'s 404, and Traefik reports no router in error', async () => {
    assert.equal((await viaTraefik(`nobody.${domain}`)).status, 404);
    const routers = await getJson<{ name: string; status: string; provider: string }[]>(traefik.api.host, traefik.api.port, '/api/http/routers');
    const ours = routers.json.filter((r) => r.provider === 'file' && /^(auto-|r[0-9]+-)/.test(r.name));
    assert.ok(ours.length >= 3, `expected our routers in Traefik, got ${JSON.stringify(routers.json)}`);
    assert.deepEqual(ours.filter((r) => r.status !== 'enabled'), []);
  });

  test('stopping a container removes its route', async () => {
    await daemons.get(A)?.docker('stop', '-t', '1', 'web');
    await waitFor('the route to disappear from /routes.json', async () => {
      const { json } = await routerApi<{ http?: { routers?: Record<string, unknown> } }>('/routes.json');
      return json.http?.routers?.[`auto-web-${A}`] ? undefined : true;
    });
    await waitFor('Traefik to drop the route', async () => ((await viaTraefik(`web-${A}.${domain}`)).status === 404 ? true : undefined));
    await daemons.get(A)?.docker('start', 'web');
    await waitFor('the route to come back', async () => ((await viaTraefik(`web-${A}.${domain}`)).status === 200 ? true : undefined));
  });

  type Health = { status: string; proxy: { synced: boolean; loadedAt: string | null; writtenAt: string | null; cause: string | null; writes: number; missing: string[] } };
  const health = async () => (await routerApi<Health>('/health')).json;
  const dockerApi = (id: number, method: string, path: string) => new Promise<number>((resolve, reject) => {
    const req = request({ socketPath: daemons.get(id)?.socket, method, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });

  /** Waits until Traefik has loaded the last write and no write came for a second. */
  const waitForSettled = () => {
    let last = -1;
    return waitFor('the route server to settle (synced, no write for 1 s)', async () => {
      const h = await health();
      const settled = h.proxy.synced && h.proxy.writes === last;
      last = h.proxy.writes;
      if (!settled) await new Promise((r) => setTimeout(r, 1000));
      return settled ? true : undefined;
    }, 30_000);
  };

  test('Traefik loads the file the route server renames into its watched directory, and /health says when', async () => {
    const h = await waitFor('/health to show Traefik synced', async () => ((await health()).proxy.synced ? health() : undefined));
    assert.equal(h.status, 'ok');
    assert.ok(h.proxy.loadedAt && h.proxy.writtenAt && h.proxy.loadedAt >= h.proxy.writtenAt, JSON.stringify(h.proxy));
    assert.equal(h.proxy.cause, null);
    const dir = join(root, 'opt/rediacc/proxy/traefik/dynamic');
    assert.deepEqual(readdirSync(dir).sort(), ['rediacc-routes.yml'], 'only the routes file: the temp file lives outside the watched directory');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'rediacc-routes.yml'), 'utf8')), (await routerApi<unknown>('/routes.json')).json, '/routes.json is the same config, read-only');
  });

  test('{{ in a label value reaches the client as written (the file provider\'s Go templating is escaped)', async () => {
    await run(A, 'tpl', {
      ...rediacc(A, 'tpl', 3), 'traefik.enable': 'true',
      'traefik.http.routers.tpl.rule': `Host(\`tpl.${domain}\`)`, 'traefik.http.routers.tpl.entrypoints': 'web', 'traefik.http.routers.tpl.middlewares': 'tpl-h',
      'traefik.http.middlewares.tpl-h.headers.customResponseHeaders.X-Tpl': '{{ .Env }} {{{x}}}',
      'traefik.http.services.tpl.loadbalancer.server.port': '3000',
    }, { BIND: serviceIp(A, 3), PORT: '3000', NAME: 'tpl-A' });
    const r = await waitFor('tpl through Traefik', async () => {
      const res = await viaTraefik(`tpl.${domain}`);
      return res.status === 200 ? res : undefined;
    });
    assert.equal(r.headers['x-tpl'], '{{ .Env }} {{{x}}}');
    assert.equal((await viaTraefik(`app.${domain}`)).status, 200, 'the rest of the file still loads');
    await daemons.get(A)?.docker('rm', '-f', 'tpl');
    await waitFor('Traefik to drop tpl', async () => ((await viaTraefik(`tpl.${domain}`)).status === 404 ? true : undefined));
  });

  test('the events stream outlives 5 s of silence: /health stays ok at idle and a start after it is routed', async () => {
    const samples: string[] = [];
    const until = Date.now() + 7000;
    while (Date.now() < until) {
      samples.push((await health()).status);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual([...new Set(samples)], ['ok'], `${samples.filter((x) => x !== 'ok').length} of ${samples.length} samples not ok`);
    await run(A, 'idle', { ...rediacc(A, 'idle', 6), 'rediacc.service_port': '8080' }, { BIND: serviceIp(A, 6), PORT: '8080', NAME: 'idle-A' });
    await waitFor('idle through Traefik', async () => ((await viaTraefik(`idle-${A}.${domain}`)).status === 200 ? true : undefined));
    await daemons.get(A)?.docker('rm', '-f', 'idle');
    // Leave no change in flight for the next test.
    await waitFor('Traefik to drop idle', async () => ((await viaTraefik(`idle-${A}.${domain}`)).status === 404 ? true : undefined));
  });

  test('20 containers started at once all route; Traefik ends on exactly the published routers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const slot = 10 + i;
      ids.push((await daemons.get(A)?.docker('create', '--init', '--network', 'host', '--name', `burst${i}`,
        ...Object.entries({ ...rediacc(A, `burst${i}`, slot), 'rediacc.service_port': '8080' }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        '-e', `BIND=${serviceIp(A, slot)}`, '-e', 'PORT=8080', '-e', `NAME=burst${i}`, BUSYBOX_IMAGE))?.trim() ?? '');
    }
    const codes = await Promise.all(ids.map((id) => dockerApi(A, 'POST', `/containers/${id}/start`)));
    assert.deepEqual([...new Set(codes)], [204]);
    for (let i = 0; i < 20; i++) {
      const r = await waitFor(`burst${i} through Traefik`, async () => {
        const res = await viaTraefik(`burst${i}-${A}.${domain}`);
        return res.status === 200 ? res : undefined;
      });
      assert.match(r.body, new RegExp(`hello from burst${i} at`));
    }
    const h = await waitFor('/health synced after the burst', async () => ((await health()).proxy.synced ? health() : undefined));
    assert.equal(h.status, 'ok');
    await daemons.get(A)?.docker('rm', '-f', ...ids);
    for (let i = 0; i < 20; i++) await waitFor(`burst${i} gone`, async () => ((await viaTraefik(`burst${i}-${A}.${domain}`)).status === 404 ? true : undefined));
  });

  test('a container whose process exits by itself (only a die event, no stop) loses its route', async () => {
    await daemons.get(A)?.docker('run', '-d', '--init', '--network', 'host', '--name', 'brief',
      ...Object.entries({ ...rediacc(A, 'brief', 5), 'rediacc.service_port': '8080' }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      BUSYBOX_IMAGE, 'sh', '-c', `echo brief > /www/index.html; httpd -p ${serviceIp(A, 5)}:8080 -h /www; while [ ! -e /tmp/go ]; do sleep 0.1; done`);
    await waitFor('brief through Traefik', async () => ((await viaTraefik(`brief-${A}.${domain}`)).status === 200 ? true : undefined));
    await daemons.get(A)?.docker('exec', 'brief', 'touch', '/tmp/go');
    await waitFor('brief gone from Traefik', async () => ((await viaTraefik(`brief-${A}.${domain}`)).status === 404 ? true : undefined));
    assert.equal((await daemons.get(A)?.docker('inspect', '-f', '{{.State.Status}}', 'brief'))?.trim(), 'exited');
  });

  test('a flapping container costs at most one file write per 100 ms throttle', async () => {
    const before_ = (await health()).proxy.writes;
    const t0 = Date.now();
    for (let i = 0; i < 8; i++) {
      await dockerApi(A, 'POST', '/containers/web/stop?t=0');
      await dockerApi(A, 'POST', '/containers/web/start');
    }
    await waitFor('the route back after flapping', async () => ((await viaTraefik(`web-${A}.${domain}`)).status === 200 ? true : undefined));
    const h = await waitFor('/health synced after flapping', async () => ((await health()).proxy.synced ? health() : undefined));
    const elapsed = Date.now() - t0;
    const writes = h.proxy.writes - before_;
    assert.ok(writes <= Math.ceil(elapsed / 100) + 1, `${writes} writes in ${elapsed} ms`);
  });

  test('a file Traefik cannot decode in its directory freezes its routes: /health says degraded and why, and recovers', async () => {
    // Start from a settled route server: events of an earlier test (a flapping container) can still
    // be in flight on a loaded machine, and a write after the broken file would not load either.
    await waitForSettled();
    assert.equal((await viaTraefik(`web-${A}.${domain}`)).status, 200, 'web is routed before the file breaks');
    const broken = join(root, 'opt/rediacc/proxy/traefik/dynamic/zz-hand-edited.yml');
    writeFileSync(broken, 'http:\n  routers:\n    mine:\n      nosuchkey: 1\n');
    try {
      // Give Traefik time to fail on the directory, then change the routes.
      await new Promise((r) => setTimeout(r, 500));
      await run(A, 'late', { ...rediacc(A, 'late', 4), 'rediacc.service_port': '8080' }, { BIND: serviceIp(A, 4), PORT: '8080', NAME: 'late-A' });
      const h = await waitFor('/health to report the mismatch', async () => {
        const x = await health();
        return x.status === 'degraded' && x.proxy.cause ? x : undefined;
      }, 20_000);
      assert.match(h.proxy.cause ?? '', new RegExp(`Traefik did not load the last .*rediacc-routes\\.yml: 1 published router\\(s\\) not loaded \\(http/auto-late-${A}\\)`));
      assert.equal(h.proxy.synced, false);
      assert.equal((await viaTraefik(`late-${A}.${domain}`)).status, 404);
      assert.equal((await viaTraefik(`app.${domain}`)).status, 200, 'Traefik keeps its previous routes');
    } finally {
      rmSync(broken, { force: true });
    }
    await waitFor('late through Traefik once the file is gone', async () => ((await viaTraefik(`late-${A}.${domain}`)).status === 200 ? true : undefined));
    await waitFor('/health ok again', async () => ((await health()).status === 'ok' ? true : undefined), 20_000);
  });

  test('killing one daemon degrades /health while the other repo keeps serving', async () => {
    // An earlier test's degraded /health (a stale proxy cause) must not stand in for the dead daemon.
    // (`health` the helper is shadowed below, hence routerApi.)
    await waitFor('/health ok before the kill', async () => ((await routerApi<{ status: string }>('/health')).json.status === 'ok' ? true : undefined), 20_000);
    await daemons.get(B)?.kill();
    const health = await waitFor('/health to show the dead daemon', async () => {
      const { json } = await routerApi<{ status: string; daemons: { networkId: number; ok: boolean; error: string | null }[] }>('/health');
      return json.status === 'degraded' && json.daemons.some((d) => d.networkId === B && !d.ok) ? json : undefined;
    });
    const b = health.daemons.find((d) => d.networkId === B);
    assert.equal(b?.ok, false);
    assert.ok(b?.error, 'the dead daemon carries its error');
    assert.equal(health.daemons.find((d) => d.networkId === A)?.ok, true);
    assert.equal((await viaTraefik(`app.${domain}`)).status, 200, 'repo A still serves');
    const { json } = await routerApi<{ http: { routers: Record<string, unknown> } }>('/routes.json');
    assert.ok(json.http.routers[`auto-web-${B}`], 'the dead daemon\'s last routes are kept during the grace period');
  });

  test('a daemon that comes back is picked up again by itself', async () => {
    const dead = daemons.get(B) as Dockerd;
    await dead.stop();
    const socket = dead.socket;
    const revived = await startDockerd(socket, join(root, `dockerd-${B}-again`));
    daemons.set(B, revived);
    await importBusybox(revived);
    await run(B, 'web', { ...rediacc(B, 'web', 0), 'rediacc.service_port': '8080' }, { BIND: serviceIp(B, 0), PORT: '8080', NAME: 'web-B-again' });
    await waitFor('/health to be ok again', async () => ((await routerApi<{ status: string }>('/health')).json.status === 'ok' ? true : undefined));
    await waitFor('the revived repo\'s route in /routes.json', async () => {
      const { json } = await routerApi<{ http: { routers: Record<string, unknown> } }>('/routes.json');
      return json.http.routers[`auto-web-${B}`] ? true : undefined;
    }, 5000);
    const r = await waitFor('repo B through Traefik again', async () => {
      const res = await viaTraefik(`web-${B}.${domain}`);
      return res.body.includes('web-B-again') ? res : undefined;
    });
    assert.equal(r.status, 200);
  });

  test('a restarted route server serves the same routes and keeps its state', async () => {
    const before_ = (await routerApi<unknown>('/routes.json')).json;
    const ports = (await routerApi<unknown>('/ports')).json;
    await router.stop();
    router = startProcess(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'route-server', '--config', join(root, 'router.json')]);
    await waitFor('the restarted route server', async () => ((await routerApi('/routes.json')).status === 200 ? true : undefined));
    assert.deepEqual((await routerApi<unknown>('/routes.json')).json, before_);
    assert.deepEqual((await routerApi<unknown>('/ports')).json, ports);
    assert.match(readFileSync(join(root, 'var/lib/rediacc/router/state.json'), 'utf8'), new RegExp(`"app.${domain}": ${A}`));
  });
  test('a repo whose daemon is gone (repo down or delete) releases its dynamic-range port', async () => {
    // Repo A holds tcp-5432, so repo B's database is moved into the dynamic range.
    await run(B, 'db', { ...rediacc(B, 'db', 2), 'rediacc.tcp_ports': '5432' }, { BIND: serviceIp(B, 2), PORT: '5432', NAME: 'db-B' });
    const moved = await waitFor('repo B\'s database in the dynamic range', async () => {
      const { json } = await routerApi<{ tcp: { port: number; networkId: number; requested?: number }[] }>('/ports');
      return json.tcp.find((p) => p.networkId === B && p.requested === 5432);
    });
    assert.ok(moved.port >= 10000 && moved.port <= 10010, `moved to ${moved.port}`);
    const statePath = join(root, 'var/lib/rediacc/router/state.json');
    await waitFor('the allocation in state.json', async () => (readFileSync(statePath, 'utf8').includes(`"${B}/auto-db-${B}-tcp-5432/tcp-5432"`) ? true : undefined));
    // The daemon stops and its socket goes, as in renet repo down/delete.
    await daemons.get(B)?.stop();
    daemons.delete(B);
    await waitFor('the allocation to be released from state.json', async () => (readFileSync(statePath, 'utf8').includes(`"${B}/`) ? undefined : true));
    const { json } = await routerApi<{ tcp: { networkId: number }[] }>('/ports');
    assert.deepEqual(json.tcp.filter((p) => p.networkId === B), []);
  });
});
