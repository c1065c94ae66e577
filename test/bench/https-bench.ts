import { join } from 'node:path';
import { startChallTestSrv, startPebble } from '../helpers/pebble.js';
import { verifiedGet } from '../helpers/pebble-tls.js';
import { startRepoBed } from '../helpers/repo-bed.js';
import { waitFor } from '../helpers/testbed/ports.js';
import { fmt, percentile } from './stats.js';

const RUNS = Number(process.env.BENCH_HTTPS_RUNS ?? 3);

/**
 * `rdc repo up` of a new Host() → its first valid HTTPS response, against Pebble (validation sleeps
 * off) by TLS-ALPN-01 on the loopback test bed: each run a new repo with a new name, so each is a
 * fresh order. "Valid" means a 200 over a handshake verified against Pebble's issuing root only.
 */
export async function httpsBench(): Promise<void> {
  const dns = await startChallTestSrv();
  const bed = await startRepoBed('bench-https');
  const pebble = await startPebble(join(bed.dir, 'pebble'), { dnsServer: dns.dns, httpPort: bed.ports.http, tlsPort: bed.ports.https });
  try {
    const root = await pebble.issuerRoot();
    const ok = (r: { code: number; stdout: string; stderr: string }) => { if (r.code !== 0) throw new Error(`${r.stdout}\n${r.stderr}`); };
    ok(await bed.rdc(['context', 'set-infra', 's1', '--cert-email', 'ops@example.com', '--acme-ca-server', pebble.directory, '--acme-ca-root', pebble.caRootFile]));
    ok(await bed.rdc(['context', 'push-infra', 's1']));
    const total: number[] = [];
    const up: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const host = `b${i}.${bed.domain}`;
      await dns.addA(host, bed.listen);
      const src = bed.exampleSource(`b${i}`, host);
      const t0 = performance.now();
      ok(await bed.rdc(['repo', 'up', `b${i}`, '-m', 's1', '--network-id', String(bed.networkId(i)), '--size', '256M', '--path', src, '--mount']));
      up.push(performance.now() - t0);
      await waitFor(`a valid HTTPS answer from ${host}`, async () => ((await verifiedGet(bed.listen, bed.ports.https, host, root)) === 200 ? true : undefined), 180_000, 50);
      total.push(performance.now() - t0);
    }
    console.log(`\nHTTPS (Pebble, TLS-ALPN-01, ${RUNS} new Host() each on its own repo)`);
    console.log(`repo up of a new Host() -> first valid HTTPS response: median ${fmt(percentile(total, 50))}, max ${fmt(Math.max(...total))}`);
    console.log(`  of which repo up itself: median ${fmt(percentile(up, 50))}; samples ${total.map(fmt).join(', ')}`);
  } finally {
    await Promise.allSettled([bed.stop(), pebble.stop(), dns.stop()]);
  }
}
