import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { ROOT } from './paths.js';
import { runCli, type CliResult } from './run-cli.js';
import { distinctFreePorts, privateLoopback } from './testbed/ports.js';
import { startTestServer, type TestServer } from './testbed/server.js';
import { startSshd, type Sshd } from './testbed/sshd.js';

export interface RepoBed {
  dir: string;
  listen: string;
  ports: { http: number; https: number; router: number };
  server: TestServer;
  sshd: Sshd;
  domain: string;
  rdc(args: string[], opts?: { stdin?: string; cwd?: string }): Promise<CliResult>;
  /** A copy of templates/example-app in a temp dir, with its own APP_HOST. */
  exampleSource(name: string, appHost: string): string;
  /** A network ID no other test file picks (its /26 is this file's alone). */
  networkId(offset?: number): number;
  stop(): Promise<void>;
}

/**
 * What the repo e2e files share: a real sshd, a test server (root prefix, host dockerd, Traefik
 * image), machine s1 registered with its infra pushed (plain HTTP on private loopback ports).
 */
export async function startRepoBed(label: string, extraEnv: Record<string, string> = {}): Promise<RepoBed> {
  const dir = mkdtempSync(join(tmpdir(), `rdc-e2e-${label}-`));
  const configPath = join(dir, 'config.yaml');
  const rdc = (args: string[], opts: { stdin?: string; cwd?: string } = {}) => runCli(args, { env: { RDC_CONFIG: configPath, HOME: '/nonexistent-home', ...extraEnv }, stdin: opts.stdin, cwd: opts.cwd ?? dir });
  const listen = privateLoopback();
  const domain = `${label}.test`;
  const sshd = await startSshd(join(dir, 'sshd'));
  const server = await startTestServer(join(dir, 'server'));
  const port = distinctFreePorts();
  const ports = { http: await port(), https: await port(), router: await port() };
  const ok = (r: CliResult) => assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  ok(await rdc(['context', 'add-machine', 's1', '--ip', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--ssh-key', sshd.clientKey, '--root-prefix', server.rootPrefix]));
  ok(await rdc(['context', 'set-infra', 's1', '--public-ipv4', listen, '--listen-address', listen, '--base-domain', domain,
    '--http-port', String(ports.http), '--https-port', String(ports.https), '--route-server-port', String(ports.router)]));
  ok(await rdc(['context', 'push-infra', 's1']));
  const base = 2816 + 64 * (8000 + Math.floor(Math.random() * 60_000));
  return {
    dir, listen, ports, server, sshd, domain, rdc,
    exampleSource(name, appHost) {
      const src = join(dir, 'src', name);
      cpSync(join(ROOT, 'templates/example-app'), src, { recursive: true });
      writeFileSync(join(src, '.env'), `APP_HOST=${appHost}\n`);
      return src;
    },
    networkId: (offset = 0) => base + 64 * offset,
    async stop() {
      const results = await Promise.allSettled([server.stop(), sshd.stop()]);
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      for (const r of results) if (r.status === 'rejected') throw r.reason;
    },
  };
}

/** Sends `send` over TCP and returns everything the server says until it closes. */
export function tcpRequest(host: string, port: number, send: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    socket.setTimeout(3000, () => socket.destroy(new Error(`tcp ${host}:${port}: no answer`)));
    socket.on('connect', () => socket.write(send));
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}
