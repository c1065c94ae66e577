import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { Machine } from '../../src/core/config/model.js';
import { serviceIp } from '../../src/core/infra/network.js';
import { renderRouterConfig } from '../../src/core/render/router-config.js';
import { fillTemplate } from '../../src/core/render/fill-template.js';
import { waitForRoutes } from '../../src/renet/repo/routes-wait.js';
import { buildRoutes } from '../../src/renet/route-server/build-routes.js';
import { decodeTraefikLabels } from '../../src/renet/route-server/decode-labels.js';
import type { KeyNode } from '../../src/renet/route-server/key-tree.js';
import { TRAEFIK_KEYS } from '../../src/renet/route-server/traefik-keys.generated.js';
import { emptyState, type ContainerInfo } from '../../src/renet/route-server/model.js';
import { hostileContainers } from '../helpers/hostile-labels.js';
import { testMachine } from '../helpers/machine.js';
import { FIXTURES, ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { getJson, httpGet } from '../helpers/testbed/http.js';
import { distinctFreePorts, privateLoopback, waitFor } from '../helpers/testbed/ports.js';
import { startProcess, type Proc } from '../helpers/testbed/process.js';
import { startTraefik } from '../helpers/testbed/traefik.js';
import { requireTool } from '../helpers/testbed/tools.js';
import { BASE_SETTINGS } from '../unit/route-server/settings.js';

/** Label paths (`.a.b`) of the whole-number and duration options outside lists and maps. */
function typedLeaves(node: KeyNode, path: string, out: [string, KeyNode][] = []): [string, KeyNode][] {
  if (node === 'number' || node === 'duration') out.push([path, node]);
  else if (typeof node === 'object' && 'fields' in node) for (const [k, v] of Object.entries(node.fields)) typedLeaves(v, `${path}.${k}`, out);
  return out;
}

type Router = { name: string; status: string; provider: string; error?: string[] };

/**
 * What the route transform makes of hostile labels, fed to the real Traefik through both providers
 * a machine may use (the HTTP provider polling JSON, the file provider reading the same document):
 * Traefik decodes each config as a whole and drops ALL of it on one bad key or value, so every
 * router the transform emits must load and be enabled — and a new route added after the hostile
 * containers must load too. A control shows the bound matters: the same config with one over-long
 * key is refused whole by this Traefik.
 */
describe('hostile labels against the real Traefik', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-hostile-'));
  let traefik: Proc;
  let server: Server;
  let body = '{}';
  let apiPort = 0;
  let webPort = 0;
  let generation = 0;

  /**
   * Serves `dynamic` to both providers and waits until Traefik shows the marker router of this generation from both, or times out.
   * A config that should load gets 30 s (a large one through both providers on a loaded machine); only the control, which
   * proves a refusal by the time running out, passes a short `timeoutMs`.
   */
  async function load(dynamic: Record<string, unknown>, timeoutMs = 30_000): Promise<{ loaded: boolean; routers: Router[] }> {
    const marker = `marker-${++generation}`;
    const doc = structuredClone(dynamic) as { http?: { routers?: Record<string, unknown>; services?: Record<string, unknown> } };
    doc.http ??= {};
    doc.http.routers = { ...doc.http.routers, [marker]: { rule: `Host(\`${marker}.test\`)`, service: marker, entryPoints: ['web'] } };
    doc.http.services = { ...doc.http.services, [marker]: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } };
    body = JSON.stringify(doc);
    // Written aside and renamed, so the file provider never reads half a file.
    writeFileSync(join(root, 'routes.yml.tmp'), body);
    renameSync(join(root, 'routes.yml.tmp'), join(root, 'dynamic', 'routes.yml'));
    let routers: Router[] = [];
    const loaded = await waitFor(`Traefik to load ${marker}`, async () => {
      routers = (await getJson<Router[]>('127.0.0.1', apiPort, '/api/http/routers?per_page=1000')).json;
      const seen = ['http', 'file'].every((p) => routers.some((r) => r.name === `${marker}@${p}`));
      return seen ? true : undefined;
      // Every 200 ms: the answer lists up to 1000 routers, and serialising it costs the Traefik being waited for.
    }, timeoutMs, 200).catch(() => false);
    return { loaded, routers };
  }

  before(async () => {
    // freePort() closes its probe, so two calls may give the same port: keep them distinct.
    const port = distinctFreePorts();
    [apiPort, webPort] = [await port(), await port()];
    const providerPort = await port();
    mkdirSync(join(root, 'dynamic'));
    writeFileSync(join(root, 'dynamic', 'rediacc-defaults.yml'), fillTemplate('rediacc-defaults.yml', readFileSync(join(ROOT, 'templates/traefik/rediacc-defaults.yml'), 'utf8'), { sniStrict: 'true' }));
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((r) => server.listen(providerPort, '127.0.0.1', r));
    const entryPoints: Record<string, { address: string }> = { traefik: { address: `127.0.0.1:${apiPort}` } };
    for (const name of BASE_SETTINGS.httpEntryPoints) entryPoints[name] = { address: `127.0.0.1:${name === 'web' ? webPort : await port()}` };
    for (const p of BASE_SETTINGS.tcpEntryPorts) entryPoints[`tcp-${p}`] = { address: `127.0.0.1:${await port()}` };
    for (const p of BASE_SETTINGS.udpEntryPorts) entryPoints[`udp-${p}`] = { address: `127.0.0.1:${await port()}/udp` };
    writeFileSync(join(root, 'traefik.yml'), stringify({
      entryPoints,
      api: { insecure: true },
      log: { level: 'ERROR' },
      // A resolver of the name the routes use; never asked for a certificate (no websecure request is made).
      certificatesResolvers: { letsencrypt: { acme: { email: 'a@example.com', storage: join(root, 'acme.json'), caServer: 'https://127.0.0.1:9/dir', dnsChallenge: { provider: 'exec' } } } },
      providers: {
        providersThrottleDuration: '100ms',
        http: { endpoint: `http://127.0.0.1:${providerPort}/routes.json`, pollInterval: '250ms' },
        file: { directory: join(root, 'dynamic'), watch: true },
      },
    }));
    traefik = startProcess(requireTool('traefik'), [`--configFile=${join(root, 'traefik.yml')}`], { ...process.env, EXEC_PATH: '/bin/false' });
    await waitFor('Traefik\'s API', async () => {
      if (traefik.child.exitCode !== null) throw new Error(`Traefik exited: ${traefik.output().slice(-800)}`);
      return (await httpGet('127.0.0.1', apiPort, '/api/version').catch(() => ({ status: 0 }))).status === 200 ? true : undefined;
    });
  });

  after(async () => {
    await traefik?.stop();
    await new Promise((r) => server?.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  const cases = readdirSync(join(FIXTURES, 'routes')).filter((n) => n.startsWith('hostile-') || n === 'bad-labels').sort();
  for (const name of cases) {
    test(`${name}: every router the transform emits loads, enabled, from both providers`, async () => {
      const input = parse(readFileSync(join(FIXTURES, 'routes', name, 'input.yaml'), 'utf8')) as { containers: ContainerInfo[] };
      const expand = (s: string) => s.replace(/<<(.+?)\*([0-9]+)>>/g, (_, t: string, n: string) => t.repeat(Number(n)));
      const containers = input.containers.map((c) => ({ ...c, id: c.name, labels: Object.fromEntries(Object.entries(c.labels).map(([k, v]) => [expand(k), expand(String(v))])) }));
      const build = buildRoutes(containers, BASE_SETTINGS, emptyState());
      assert.ok(build.errors.length > 0, 'the case has hostile containers, reported');
      const { loaded, routers } = await load(build.dynamic);
      assert.ok(loaded, `Traefik refused the whole config: ${traefik.output().slice(-600)}`);
      const emitted = Object.keys((build.dynamic.http as { routers?: object } | undefined)?.routers ?? {});
      assert.ok(emitted.length > 0);
      for (const provider of ['http', 'file']) {
        const ours = routers.filter((r) => r.provider === provider && emitted.includes(r.name.replace(/@.*/, '')));
        assert.deepEqual(ours.map((r) => r.name.replace(/@.*/, '')).sort(), [...emitted].sort(), `${provider}: all emitted routers are in Traefik`);
        assert.deepEqual(ours.filter((r) => r.status !== 'enabled').map((r) => `${r.name}: ${r.error?.join('; ')}`), [], `${provider}: none in error`);
      }
    });
  }

  test('every whole-number and duration option of the key tree, at the edges the decoder accepts, loads', async () => {
    const dynamic: Record<string, Record<string, Record<string, unknown>>> = { http: { routers: {}, services: {}, middlewares: {} }, tcp: { routers: {}, services: {}, middlewares: {} } };
    let i = 0;
    for (const [prefix, node] of Object.entries(TRAEFIK_KEYS)) {
      const [section, kind] = prefix.split('.') as ['http' | 'tcp' | 'udp', 'routers' | 'services' | 'middlewares'];
      if (section === 'udp') continue;
      for (const [path, shape] of typedLeaves(node, '')) {
        for (const value of shape === 'number' ? ['-2147483647', '2147483647', '0'] : ['87840h', '316224000', '0', '1.5ms', '1h59m59.999999s']) {
          const name = `n${i++}`;
          const { config, errors } = decodeTraefikLabels({ [`traefik.${section}.${kind}.${name}${path}`]: value });
          assert.deepEqual(errors, [], `${section}.${kind}${path}=${value} is accepted by the decoder`);
          const entry = config[section][kind][name] as Record<string, unknown>;
          if (kind === 'routers') Object.assign(entry, { rule: section === 'http' ? `Host(\`${name}.test\`)` : 'HostSNI(`*`)', service: section === 'http' ? 'ok' : 'tok', entryPoints: ['web'] });
          if (kind === 'services' && !(entry.loadBalancer as object | undefined)) continue;
          if (kind === 'services') (entry.loadBalancer as Record<string, unknown>).servers = section === 'http' ? [{ url: 'http://127.0.0.1:9' }] : [{ address: '127.0.0.1:9' }];
          (dynamic[section] as Record<string, Record<string, unknown>>)[kind] = { ...dynamic[section]?.[kind], [name]: entry };
        }
      }
    }
    (dynamic.http as Record<string, Record<string, unknown>>).services = { ...dynamic.http?.services, ok: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } };
    (dynamic.tcp as Record<string, Record<string, unknown>>).services = { ...dynamic.tcp?.services, tok: { loadBalancer: { servers: [{ address: '127.0.0.1:9' }] } } };
    assert.ok(i > 60, `${i} values tried`);
    const { loaded } = await load(dynamic);
    assert.ok(loaded, `Traefik refused the whole config: ${traefik.output().slice(-600)}`);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`random hostile labels over the whole key tree (seed ${seed}): whatever the transform keeps loads`, async () => {
      const build = buildRoutes(hostileContainers(seed, 60), BASE_SETTINGS, emptyState());
      const kept = ['http', 'tcp', 'udp'].reduce((n, s) => n + Object.keys((build.dynamic[s] as { routers?: object } | undefined)?.routers ?? {}).length, 0);
      assert.ok(build.errors.length > 0 && kept > 0, `some refused (${build.errors.length}), some kept (${kept} routers)`);
      const { loaded } = await load(build.dynamic);
      assert.ok(loaded, `Traefik refused the whole config: ${traefik.output().slice(-600)}`);
    });
  }

  test('control: one key over Traefik\'s limit makes it refuse the whole config (the reason for the bounds)', async () => {
    const bad = { http: { middlewares: { h: { headers: { customRequestHeaders: { [`X${'a'.repeat(2000)}`]: 'v' } } } } } };
    const { loaded } = await load(bad, 8000);
    assert.equal(loaded, false, 'Traefik should have refused it');
    // And the next good config loads again: the refusal is what froze routing, not a crash.
    assert.equal((await load({})).loaded, true);
  });
});

/**
 * The same, end to end: a victim repo and a hostile repo on their own dockerds, the bundled route
 * server and the real Traefik with rdc's static config. The hostile repo's containers (a catch-all
 * rule with a top priority, an errors middleware pointing at the victim's service, a 10 KB label
 * key) are skipped and reported in /health; the victim keeps serving, unknown hosts stay 404, and a
 * route added afterwards still loads.
 */
describe('a hostile repo on the real route server and Traefik', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-hostile-rs-'));
  const listen = privateLoopback();
  const n = 100 + Math.floor(Math.random() * 5000);
  const [A, B] = [2816 + 64 * n, 2816 + 64 * (n + 1)];
  const domain = 'example.test';
  const daemons = new Map<number, Dockerd>();
  let router: Proc;
  let traefik: Awaited<ReturnType<typeof startTraefik>>;
  let routerPort = 0;

  const routerApi = <T>(path: string) => getJson<T>('127.0.0.1', routerPort, path);
  const viaTraefik = (host: string) => httpGet(listen, traefik.infra.httpPort, '/', host);
  const serving = (host: string, body: RegExp) => waitFor(`${host} through Traefik`, async () => {
    const res = await viaTraefik(host);
    return res.status === 200 && body.test(res.body) ? res : undefined;
  }, 20_000);
  const run = (id: number, name: string, slot: number, labels: Record<string, string>) =>
    daemons.get(id)?.docker('run', '-d', '--init', '--network', 'host', '--name', name,
      ...Object.entries({ 'rediacc.service_name': name, 'rediacc.service_ip': serviceIp(id, slot), 'rediacc.network_id': String(id), 'traefik.enable': 'true', ...labels }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      '-e', `BIND=${serviceIp(id, slot)}`, '-e', 'PORT=8080', '-e', `NAME=${name}-${id}`, BUSYBOX_IMAGE);

  before(async () => {
    const port = distinctFreePorts();
    const machine: Machine = testMachine(root, { baseDomain: domain, listenAddress: listen, httpPort: await port(), httpsPort: await port(), routeServerPort: await port(), apiPort: await port() });
    routerPort = machine.infra.routeServerPort;
    const cfg = renderRouterConfig('e2e', machine, ['compress', 'security-headers']);
    mkdirSync(cfg.socketDir, { recursive: true });
    await Promise.all([A, B].map(async (id) => {
      const d = await startDockerd(join(cfg.socketDir, `docker-${id}.sock`), join(root, `dockerd-${id}`));
      daemons.set(id, d);
      await importBusybox(d);
    }));
    writeFileSync(join(root, 'router.json'), JSON.stringify(cfg));
    router = startProcess(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'route-server', '--config', join(root, 'router.json')]);
    await waitFor('the route server\'s /health', async () => ((await routerApi('/health')).status === 200 ? true : undefined));
    // The directory the route server writes its file into (renderRouterConfig's dynamicFile).
    traefik = await startTraefik(join(root, 'opt/rediacc/proxy/traefik'), machine.infra);

    const http = { 'traefik.http.routers.web.entrypoints': 'web', 'traefik.http.services.web.loadbalancer.server.port': '8080' };
    await run(A, 'app', 0, { ...http, 'traefik.http.routers.web.rule': `Host(\`app.${domain}\`)` });
    await serving(`app.${domain}`, new RegExp(`hello from app-${A}`));
    // The hostile containers start after the victim's, each trying one class.
    await run(B, 'grab', 0, { ...http, 'traefik.http.routers.web.rule': 'PathPrefix(`/`)', 'traefik.http.routers.web.priority': '10000' });
    await run(B, 'errs', 1, {
      ...http, 'traefik.http.routers.web.rule': `Host(\`errs.${domain}\`)`, 'traefik.http.routers.web.middlewares': 'oops',
      'traefik.http.middlewares.oops.errors.status': '200-599', 'traefik.http.middlewares.oops.errors.service': `r${A}-web@http`,
    });
    await run(B, 'huge', 2, { ...http, 'traefik.http.routers.web.rule': `Host(\`huge.${domain}\`)`, [`traefik.http.middlewares.h.headers.customrequestheaders.X${'a'.repeat(10_240)}`]: 'v' });
    await run(B, 'ok', 3, { ...http, 'traefik.http.routers.web.rule': `Host(\`ok.${domain}\`)` });
  });

  after(async () => {
    const results = await Promise.allSettled([traefik?.stop(), router?.stop(), ...[...daemons.values()].map((d) => d.stop())]);
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw new Error(`teardown: ${failed.map((f) => String((f as PromiseRejectedResult).reason)).join('; ')}`);
  });

  test('the hostile containers are skipped and reported in /health, naming the label and the limit', async () => {
    const health = await waitFor('/health to list the three hostile containers', async () => {
      const { json } = await routerApi<{ errors: { networkId: number; container: string; errors: string[] }[] }>('/health');
      return json.errors.length === 3 ? json : undefined;
    });
    const byName = Object.fromEntries(health.errors.map((e) => [e.container, e.errors.join('\n')]));
    assert.deepEqual(health.errors.map((e) => e.networkId), [B, B, B]);
    assert.match(byName.grab ?? '', /can match any host/);
    assert.match(byName.errs ?? '', new RegExp(`errors\\.service: "r${A}-web@http" belongs to another provider`));
    assert.match(byName.huge ?? '', /customrequestheaders\.Xaaa.*the label key has 10\d+ characters; the limit is 256/);
  });

  test('the victim keeps its host, other hosts stay unrouted, the hostile repo\'s pinned route works', async () => {
    await serving(`ok.${domain}`, new RegExp(`hello from ok-${B}`));
    assert.match((await viaTraefik(`app.${domain}`)).body, new RegExp(`hello from app-${A}`));
    assert.equal((await viaTraefik(`nobody.${domain}`)).status, 404, 'the catch-all rule took nothing');
    assert.equal((await viaTraefik(`errs.${domain}`)).status, 404, 'the errors middleware never reached the victim\'s backend');
    const routers = await getJson<Router[]>('127.0.0.1', traefik.infra.apiPort as number, '/api/http/routers');
    assert.deepEqual(routers.json.filter((r) => r.provider === 'http' && r.status !== 'enabled'), []);
  });

  test('renet repo up\'s route wait reports the repo\'s claims and its refused containers', async () => {
    const socket = daemons.get(B)?.socket as string;
    const { settled, claims } = await waitForRoutes(routerPort, B, socket, 20_000);
    assert.equal(settled, true);
    assert.deepEqual(claims?.hosts, [`ok.${domain}`]);
    assert.deepEqual(claims?.skipped.map((s) => s.container).sort(), ['errs', 'grab', 'huge']);
    assert.deepEqual((await waitForRoutes(routerPort, A, daemons.get(A)?.socket as string, 20_000)).claims?.hosts, [`app.${domain}`]);
  });

  test('routing is not frozen: a route added after the hostile containers loads', async () => {
    await run(A, 'late', 1, { 'traefik.http.routers.late.entrypoints': 'web', 'traefik.http.services.late.loadbalancer.server.port': '8080', 'traefik.http.routers.late.rule': `Host(\`late.${domain}\`)` });
    await serving(`late.${domain}`, new RegExp(`hello from late-${A}`));
  });
});
