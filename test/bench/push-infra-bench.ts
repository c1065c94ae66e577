import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { runCli } from '../helpers/run-cli.js';
import { startDockerd } from '../helpers/testbed/dockerd.js';
import { freePort, privateLoopback } from '../helpers/testbed/ports.js';
import { startTestServer, type TestServer } from '../helpers/testbed/server.js';
import { startSshd } from '../helpers/testbed/sshd.js';
import { importTraefikImage } from '../helpers/testbed/traefik-image.js';
import { fmt, percentile } from './stats.js';

/** push-infra on the loopback test bed: no-op vs bare SSH, a first push by phase, 10 machines vs 1. */
export async function pushInfraBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rdc-bench-push-'));
  const sshd = await startSshd(join(dir, 'sshd'));
  const hostDocker = await startDockerd(join(dir, 'docker.sock'), join(dir, 'host-dockerd'));
  await importTraefikImage(hostDocker);
  const servers: TestServer[] = [];
  const env = { RDC_CONFIG: join(dir, 'config.yaml'), HOME: '/nonexistent-home' };
  const rdc = async (...args: string[]) => {
    const r = await runCli(args, { env });
    if (r.code !== 0) throw new Error(`rdc ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  try {
    for (let i = 0; i < 11; i++) {
      const sdir = join(dir, `server-${i}`);
      mkdirSync(sdir);
      const server = await startTestServer(sdir, hostDocker);
      servers.push(server);
      await rdc('context', 'add-machine', `m${i}`, '--ip', '127.0.0.1', '--port', String(sshd.port), '--user', 'root', '--ssh-key', sshd.clientKey, '--root-prefix', server.rootPrefix);
      const listen = privateLoopback();
      await rdc('context', 'set-infra', `m${i}`, '--public-ipv4', listen, '--listen-address', listen, '--base-domain', 'bench.test', '--http-port', String(await freePort()),
        '--https-port', String(await freePort()), '--route-server-port', String(await freePort()));
    }
    const push = async (m: string) => {
      const t0 = performance.now();
      const r = await rdc('--json', 'context', 'push-infra', m);
      return { ms: performance.now() - t0, timings: (JSON.parse(r.stdout) as { timings: Record<string, number> }).timings };
    };

    const first = await push('m0');
    const bare: number[] = [];
    const noop: number[] = [];
    const key = readFileSync(sshd.clientKey);
    for (let i = 0; i < 15; i++) {
      bare.push(await bareSsh(sshd.port, key));
      noop.push((await push('m0')).ms);
    }
    console.log('\npush-infra (loopback sshd as root, renet + Traefik in a host dockerd, compose v1)');
    console.log(`  bare ssh2 connect + exec true       median ${fmt(percentile(bare, 50))}`);
    console.log(`  no-op push-infra (in-process)       median ${fmt(percentile(noop, 50))}   ratio ${(percentile(noop, 50) / percentile(bare, 50)).toFixed(2)}x (target ≤ 1.5x)`);
    console.log(`  first push                          ${fmt(first.ms)}   phases: ${Object.entries(first.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
    const status: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await rdc('--json', 'machine', 'status', 'm0');
      status.push(performance.now() - t);
    }
    console.log(`  rdc machine status (in-process)     median ${fmt(percentile(status, 50))}   (one SSH round trip; bare connect + exec ${fmt(percentile(bare, 50))})`);

    // m0 alone (measured above), then m1..m10 at once (one process, as one rdc invocation addressing ten machines).
    const ten = servers.slice(1).map((_, i) => `m${i + 1}`);
    const t0 = performance.now();
    await Promise.all(ten.map((m) => push(m)));
    const tenMs = performance.now() - t0;
    console.log(`  first push, 10 machines at once     ${fmt(tenMs)}   ratio ${(tenMs / first.ms).toFixed(2)}x of one first push (target ≤ 2x)`);
    const noopOne = (await push('m0')).ms;
    const t1 = performance.now();
    await Promise.all(ten.map((m) => push(m)));
    const noopTen = performance.now() - t1;
    console.log(`  no-op push, 1 machine               ${fmt(noopOne)}`);
    console.log(`  no-op push, 10 machines at once     ${fmt(noopTen)}   ratio ${(noopTen / noopOne).toFixed(2)}x (target ≤ 2x)`);
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await Promise.allSettled([hostDocker.stop(), sshd.stop()]);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

function bareSsh(port: number, privateKey: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = new Client();
    c.on('ready', () => c.exec('true', (err, stream) => {
      if (err) return reject(err);
      stream.on('close', () => {
        c.end();
        resolve(performance.now() - t0);
      }).resume();
    })).on('error', reject).connect({ host: '127.0.0.1', port, username: 'root', privateKey });
  });
}
