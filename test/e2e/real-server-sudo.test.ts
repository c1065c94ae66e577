import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { CloudflareApi } from '../helpers/cloudflare-api.js';
import { BIN } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';
import { startRealSession, type RealSession } from '../helpers/real-server/index.js';

/**
 * The first session as `deploy`, the usual cloud user (passwordless sudo), on a real Debian 12
 * server: every command works through sudo -n, the token is never readable by another user nor in
 * sudo's logs; `alice`, whose sudo wants a password, gets one clear refusal and changes nothing.
 */
describe('the first session as a sudo user on a real server', () => {
  let s: RealSession;
  const api = new CloudflareApi();
  const TOKEN = `cfSudoToken${Date.now().toString(36)}x0123456789`;
  const domain = 'sudo.test';
  const ID = 2816;
  let env: Record<string, string>;
  const rdc = (args: string[], stdin?: string) => runCli(args, { env, stdin, cwd: s.dir });
  const ok = async (args: string[], stdin?: string) => {
    const r = await rdc(args, stdin);
    assert.equal(r.code, 0, `rdc ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const json = async <T>(args: string[]) => JSON.parse((await ok(['--json', ...args])).stdout) as T;
  /** What push-infra would make live for a machine (after `change`, when given): path → sha256. */
  const renderedTree = async (machine: string, change?: () => Promise<unknown>) => {
    await change?.();
    const dir = mkdtempSync(join(s.dir, `render-${machine}-`));
    await ok(['context', 'push-infra', machine, '--output', dir]);
    const files = (rel: string): string[] => readdirSync(join(dir, rel), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(join(rel, e.name)) : [join(rel, e.name)]));
    const tree = new Map(files('').sort().map((p) => [p, createHash('sha256').update(readFileSync(join(dir, p))).digest('hex')]));
    rmSync(dir, { recursive: true, force: true });
    return tree;
  };
  const exists = async (path: string) => (await s.host.sh(`if [ -e ${path} ]; then echo yes; else echo no; fi`)).trim() === 'yes';

  before(async () => {
    const url = await api.start();
    api.tokens.set(TOKEN, { zones: [api.addZone(domain)], edit: true });
    s = await startRealSession('sudo');
    env = { RDC_CONFIG: join(s.dir, 'config.yaml'), HOME: '/nonexistent-home', RDC_CLOUDFLARE_BASE_URL: url };
  });
  after(async () => {
    await api.stop();
    await s?.stop();
  });

  test('as alice (sudo wants a password): one clear message, exit 1, nothing changed on the host', async () => {
    await s.addMachine('as-alice', 'alice');
    await ok(['context', 'set-infra', 'as-alice', '--public-ipv4', s.host.address, '--base-domain', domain]);
    for (const args of [['machine', 'setup', 'as-alice'], ['context', 'push-infra', 'as-alice'], ['machine', 'status', 'as-alice']]) {
      const r = await rdc(args);
      assert.equal(r.code, 1, `rdc ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.stderr.split('needs passwordless sudo').length - 1, 1, `one message:\n${r.stderr}`);
      assert.match(r.stderr, /alice needs passwordless sudo on as-alice: .*Nothing was changed\./);
      assert.ok(r.stderr.includes('"alice ALL=(ALL) NOPASSWD: ALL" to /etc/sudoers.d/rediacc'), r.stderr);
      assert.match(r.stderr, /or connect as root/);
    }
    for (const path of ['/opt/rediacc', '/var/lib/rediacc', '/etc/rediacc', '/var/run/rediacc']) assert.equal(await exists(path), false, `${path} was not created`);
  });

  test('as deploy: add-machine, machine setup (probed as root: docker answers), set-infra, push-infra, repo up of the example app', async () => {
    await s.addMachine('srv', 'deploy');
    const setup = await json<{ steps: { component: string; status: string }[]; installed: string[] }>(['machine', 'setup', 'srv']);
    assert.deepEqual(setup.steps.map((st) => `${st.component} ${st.status}`), ['docker present', 'compose present', 'node present']);
    assert.deepEqual(setup.installed, []);
    await ok(['context', 'set-infra', 'srv', '--public-ipv4', s.host.address, '--base-domain', domain, '--cf-dns-token', '-'], TOKEN);
    const push = await ok(['context', 'push-infra', 'srv']);
    assert.ok(!push.stdout.includes(TOKEN) && !push.stderr.includes(TOKEN));
    const up = await ok(['repo', 'up', 'my-app', '-m', 'srv', '--path', s.exampleSource('my-app', `app.${domain}`), '--mount', '--network-id', String(ID)]);
    assert.ok(up.stdout.includes(`http://web-${ID}.${domain}/`), up.stdout);
  });

  test('the auto route, the Host() route and tcp-5432 answer at the host\'s address', async () => {
    assert.match((await s.answering(`web-${ID}.${domain}`)).body, /Hello from rdc's example app/);
    assert.equal((await s.answering(`app.${domain}`)).status, 200);
    assert.match(await s.tcpAnswer(5432, 'GET / HTTP/1.0\r\n\r\n', /db ready at 127\./), /db ready at 127\./);
  });

  test('machine status, routes and ports as deploy; dns sync as deploy reads the routes through sudo', async () => {
    const status = await json<{ traefik: { running: boolean }; router: { httpStatus: number } }>(['machine', 'status', 'srv']);
    assert.deepEqual([status.traefik.running, status.router.httpStatus], [true, 200]);
    const routes = await json<{ routes: { match: string }[] }>(['machine', 'routes', 'srv']);
    assert.ok(routes.routes.some((r) => r.match.includes(`app.${domain}`)), JSON.stringify(routes));
    const ports = await json<{ tcp: { port?: number; name?: string }[] }>(['machine', 'ports', 'srv']);
    assert.match(JSON.stringify(ports.tcp), /5432/);
    await ok(['dns', 'sync', 'srv']);
    const names = [...api.records.values()].filter((r) => r.type === 'A').map((r) => `${r.name} ${r.content}`).sort();
    assert.deepEqual(names, [`*.${domain} ${s.host.address}`, `app.${domain} ${s.host.address}`]);
  });

  test('repo status and logs as deploy', async () => {
    const st = await ok(['repo', 'status', 'my-app']);
    assert.match(st.stdout, /my-app/);
    const logs = await ok(['repo', 'logs', 'my-app', '--tail', '50']);
    assert.match(logs.stdout, /==> /);
  });

  test('a second push changes nothing', async () => {
    const again = await json<{ renet: string; plan: { op: string }[]; applied?: unknown }>(['context', 'push-infra', 'srv']);
    assert.equal(again.renet, 'up to date');
    assert.deepEqual([...new Set(again.plan.map((o) => o.op))], ['keep']);
    assert.equal(again.applied, undefined);
  });

  test('the token: root-only on the host, readable by neither deploy nor alice, nowhere in the journal sudo logs to', async () => {
    assert.equal((await s.host.sh('stat -c "%U %a" /opt/rediacc/proxy/config.env')).trim(), 'root 600');
    assert.ok((await s.host.sh('cat /opt/rediacc/proxy/config.env')).includes(TOKEN), 'the check below looks for the real token');
    const places = '/opt /var/lib /etc /home /tmp /var/tmp /run /root /var/log';
    const credential = (parse(readFileSync(env.RDC_CONFIG as string, 'utf8')) as { contexts: { default: { repositories: Record<string, { credential: string }> } } })
      .contexts.default.repositories['my-app']?.credential as string;
    assert.match(credential, /^[A-Za-z0-9_-]{20,}$/);
    for (const user of ['deploy', 'alice'] as const) {
      const r = await s.host.ssh(user, `grep -rlF -e ${TOKEN} -e ${credential} ${places} 2>/dev/null; true`, { timeoutMs: 120_000 });
      assert.equal(r.stdout, '', `${user} can read the token or the volume credential in:\n${r.stdout}`);
    }
    assert.equal((await s.host.sh('ls -A /opt/rediacc/infra/staging')).trim(), '', 'nothing staged is left behind');
    const journal = await s.host.sh('journalctl --no-pager -o cat');
    assert.match(journal, /deploy : .*COMMAND=\S*sh -c /, 'sudo logged deploy\'s commands (so the check means something)');
    assert.ok(!journal.includes(TOKEN) && !journal.includes(credential), 'neither secret is in the journal');
    const args = await s.host.sh('ps -eo args');
    assert.ok(!args.includes(TOKEN) && !args.includes(credential), 'nor in any process\'s arguments');
  });

  test('repo down, list and delete as deploy', async () => {
    await ok(['repo', 'down', 'my-app']);
    await waitFor('the auto route to go', async () => ((await httpGet(s.host.address, 80, '/', `web-${ID}.${domain}`)).status === 404 ? true : undefined), 30_000, 200);
    assert.match((await ok(['repo', 'list'])).stdout, /my-app/);
    await ok(['repo', 'delete', 'my-app', '--yes']);
    assert.equal((await s.host.sh('ls -A /mnt/rediacc/repos 2>/dev/null || true')).trim(), '', 'its volume is gone from the host');
  });

  test('a push as deploy cut at random points leaves the live config wholly old or wholly new; the next push converges', async () => {
    const liveNow = async (paths: string[]) => (await s.host.sh(`cd / && for f in ${paths.map((p) => `'${p}'`).join(' ')}; do sha256sum "$f" 2>/dev/null || echo "- $f"; done`)).trim();
    const serverIdle = async () => {
      let quietSince = Date.now();
      await waitFor('the server-side apply to finish', async () => {
        // [s]: the pattern must not match the shell that runs pgrep itself.
        const busy = (await s.host.sh('if [ -e /opt/rediacc/infra/lock ] || pgrep -f "renet.cj[s] infra apply" >/dev/null; then echo busy; fi')).trim() === 'busy';
        if (busy) quietSince = Date.now();
        return Date.now() - quietSince >= 1000 ? true : undefined;
      }, 60_000, 100);
    };
    for (let i = 0; i < 3; i++) {
      const fresh = await renderedTree('srv', async () => ok(['context', 'set-infra', 'srv', '--tcp-ports', String(20000 + i)]));
      const paths = [...fresh.keys()];
      const old = await liveNow(paths);
      const child = spawn(process.execPath, [BIN, 'context', 'push-infra', 'srv'], { env: { ...process.env, ...env }, stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 2500)));
      child.kill('SIGKILL');
      await exited;
      await serverIdle();
      const now = await liveNow(paths);
      const wanted = paths.map((p) => `${fresh.get(p)}  ${p}`).join('\n');
      assert.ok(now === old || now === wanted, `round ${i}: the live files are a mix of old and new:\n${now}`);
    }
    await ok(['context', 'push-infra', 'srv']);
    const final = await renderedTree('srv');
    assert.equal(await liveNow([...final.keys()]), [...final].map(([p, sum]) => `${sum}  ${p}`).join('\n'));
  });

  test('two pushes at once as root and as deploy are serialized by the one server lock: the live tree is wholly one of them', async () => {
    await s.addMachine('srv-root', 'root');
    await ok(['context', 'set-infra', 'srv-root', '--public-ipv4', s.host.address, '--base-domain', 'root.test']);
    await ok(['context', 'set-infra', 'srv', '--base-domain', 'deploy.test']);
    const [asRoot, asDeploy] = [await renderedTree('srv-root'), await renderedTree('srv')];
    const [a, b] = await Promise.all([rdc(['context', 'push-infra', 'srv-root']), rdc(['context', 'push-infra', 'srv'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const paths = [...asRoot.keys()];
    const live = new Map((await s.host.sh(`cd / && sha256sum ${paths.map((p) => `'${p}'`).join(' ')}`)).trim().split('\n').map((l) => {
      const [sum, path] = l.split(/\s+/);
      return [path as string, sum as string];
    }));
    const whole = (want: Map<string, string>) => [...want].every(([p, sum]) => live.get(p) === sum);
    assert.ok(whole(asRoot) || whole(asDeploy), 'the live files are one push\'s, never a mix');
    assert.ok(asRoot.size === asDeploy.size && [...asRoot].some(([p, sum]) => asDeploy.get(p) !== sum), 'the two renders differ');
  });
});
