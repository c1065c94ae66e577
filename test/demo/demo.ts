import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/rdc/cli.js';
import { ROOT } from '../helpers/paths.js';
import { ensureDemoServer } from './demo-server.js';

/**
 * `npm run demo`: the main job on a local default. A loopback "server" (sshd + Docker, as in the
 * tests) under ~/.rdc-demo, then add-machine, set-infra, push-infra and `repo up` of the example app
 * in templates/, and the URLs with a curl line that works. Its own config (~/.rdc-demo/config.yaml)
 * never touches the user's. A second run reuses everything and changes nothing.
 */
const DEMO_DIR = process.env.RDC_DEMO_DIR ?? join(homedir(), '.rdc-demo');
const HTTP_PORT = 8080;
const DOMAIN = 'demo.localhost';
const env = { ...process.env, RDC_CONFIG: join(DEMO_DIR, 'config.yaml') };
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env, cwd: DEMO_DIR };

async function rdc(...args: string[]): Promise<void> {
  process.stdout.write(`\n$ rdc ${args.join(' ')}\n`);
  const code = await main(args, io);
  if (code !== 0) throw new Error(`rdc ${args.join(' ')} exited with ${code}; the demo's files are in ${DEMO_DIR} (npm run demo:down removes them)`);
}

if (process.getuid?.() === 0) await demo();
else {
  process.stderr.write('npm run demo starts sshd and Docker daemons and mounts a volume: run it as root (after bash .ci/setup).\n');
  process.exitCode = 2;
}

async function demo(): Promise<void> {
  const started = performance.now();
  mkdirSync(DEMO_DIR, { recursive: true, mode: 0o700 });
  const server = await ensureDemoServer(join(DEMO_DIR, 'server'));
  process.stdout.write(`${server.started ? 'Started' : 'Reusing'} the demo server: sshd on 127.0.0.1:${server.sshPort}, its Docker daemon and files under ${server.rootPrefix}\n`);

  const app = join(DEMO_DIR, 'my-app');
  if (!existsSync(app)) {
    cpSync(join(ROOT, 'templates/example-app'), app, { recursive: true });
    writeFileSync(join(app, '.env'), `APP_HOST=app.${DOMAIN}\n`);
  }
  if (!existsSync(env.RDC_CONFIG)) {
    await rdc('context', 'add-machine', 'demo', '--ip', '127.0.0.1', '--port', String(server.sshPort), '--user', 'root', '--ssh-key', server.clientKey, '--root-prefix', server.rootPrefix);
  }
  await rdc('context', 'set-infra', 'demo', '--public-ipv4', '127.0.0.1', '--listen-address', '127.0.0.1', '--base-domain', DOMAIN, '--http-port', String(HTTP_PORT), '--https-port', '8443');
  await rdc('context', 'push-infra', 'demo');
  await rdc('repo', 'up', 'my-app', '-m', 'demo', '--path', app, '--mount', '--size', '1G', '--timings');

  // The network ID rdc gave the repo (2816 for the first one) names its auto route.
  const id = (parse(readFileSync(env.RDC_CONFIG, 'utf8')) as { contexts: Record<string, { repositories: Record<string, { networkId: number }> }> }).contexts.default?.repositories['my-app']?.networkId;
  const web = await get(`web-${id}.${DOMAIN}`);
  const appPage = await get(`app.${DOMAIN}`);
  process.stdout.write(`
The example app (${app}) runs in its own Docker daemon, behind Traefik on 127.0.0.1:${HTTP_PORT}:
  http://web-${id}.${DOMAIN}:${HTTP_PORT}/   auto route            (checked just now: HTTP ${web.status})
  http://app.${DOMAIN}:${HTTP_PORT}/        its Host() rule, HSTS (checked just now: HTTP ${appPage.status})
  tcp://127.0.0.1:5432                      the db, through Traefik's tcp-5432 entrypoint

Try:
  curl --resolve web-${id}.${DOMAIN}:${HTTP_PORT}:127.0.0.1 http://web-${id}.${DOMAIN}:${HTTP_PORT}/
  curl -i --resolve app.${DOMAIN}:${HTTP_PORT}:127.0.0.1 http://app.${DOMAIN}:${HTTP_PORT}/
  RDC_CONFIG=${env.RDC_CONFIG} node ${join(ROOT, 'bin/rdc.js')} repo status my-app

Edit ${join(app, 'www/index.html')} and run npm run demo again: only that file travels.
npm run demo:down stops and removes it all (${Math.round((performance.now() - started) / 100) / 10} s this run).
`);
  if (web.status !== 200 || appPage.status !== 200) process.exitCode = 1;
}

function get(host: string): Promise<{ status: number }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: HTTP_PORT, path: '/', headers: { host }, timeout: 3000 }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', () => resolve({ status: 0 }));
    req.end();
  });
}
