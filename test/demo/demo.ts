import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';

/**
 * `npm run demo`: the main job on a local default, with its own config under ~/.rdc-demo so the
 * user's real config is never touched. Today it registers a loopback machine, sets its infra and
 * renders everything push-infra will put on the server; deploying over SSH to a local test server
 * arrives with the SSH and repository work. Safe to run again: the second run changes nothing.
 */
const DEMO_DIR = process.env.RDC_DEMO_DIR ?? join(homedir(), '.rdc-demo');
const env = { ...process.env, RDC_CONFIG: join(DEMO_DIR, 'config.yaml') };
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env, cwd: DEMO_DIR };

async function rdc(...args: string[]): Promise<void> {
  process.stdout.write(`\n$ rdc ${args.join(' ')}\n`);
  const code = await main(args, io);
  if (code !== 0) throw new Error(`rdc ${args.join(' ')} exited with ${code}`);
}

mkdirSync(DEMO_DIR, { recursive: true, mode: 0o700 });
if (!existsSync(env.RDC_CONFIG)) {
  await rdc('context', 'add-machine', 'demo', '--ip', '127.0.0.1', '--user', 'root', '--no-scan');
}
await rdc('context', 'set-infra', 'demo', '--public-ipv4', '127.0.0.1', '--base-domain', 'demo.localhost', '--http-port', '8080', '--https-port', '8443', '--tcp-ports', '2525');
await rdc('context', 'show-infra', 'demo');
await rdc('context', 'push-infra', 'demo', '--output', 'server-tree');
process.stdout.write(`
The server tree for machine "demo" is in ${join(DEMO_DIR, 'server-tree')}:
  Traefik static config   opt/rediacc/proxy/traefik/traefik.yml
  proxy compose project   opt/rediacc/proxy/docker-compose.yml
  route server config     etc/rediacc/router.json
Not yet in this version: pushing it over SSH and deploying an app (rdc repo up), so there is no URL to open yet.
The demo's config lives in ${env.RDC_CONFIG}; remove ${DEMO_DIR} to start over.
`);
