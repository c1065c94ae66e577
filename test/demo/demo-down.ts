import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/rdc/cli.js';
import { stopDemoServer } from './demo-server.js';

/** `npm run demo:down`: deletes the demo repo, stops the demo server and removes ~/.rdc-demo. */
const DEMO_DIR = process.env.RDC_DEMO_DIR ?? join(homedir(), '.rdc-demo');
const config = join(DEMO_DIR, 'config.yaml');
if (existsSync(config)) {
  const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: { ...process.env, RDC_CONFIG: config }, cwd: DEMO_DIR };
  // Best effort: the server may already be gone; stopping it below takes the rest along.
  await main(['repo', 'delete', 'my-app', '--yes'], io);
}
await stopDemoServer(join(DEMO_DIR, 'server'));
rmSync(DEMO_DIR, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
process.stdout.write(`Demo stopped; ${DEMO_DIR} removed.\n`);
