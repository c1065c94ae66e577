import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { distinctFreePorts, waitFor } from './testbed/ports.js';
import { startProcess, type Proc } from './testbed/process.js';

/** Where .ci/setup installs Pebble, pebble-challtestsrv and the module's test certificates. */
const PEBBLE_BIN = '/usr/local/bin/pebble';
const CHALLTESTSRV_BIN = '/usr/local/bin/pebble-challtestsrv';
export const CERTS = '/usr/local/share/pebble/certs';

export interface Pebble {
  /** The ACME directory, `https://127.0.0.1:{port}/dir`. */
  directory: string;
  /** The root that signed Pebble's own HTTPS certificate (what `--acme-ca-root` is given). */
  caRootFile: string;
  /** The root of the certificates Pebble issues (generated at start, read from its management API). */
  issuerRoot(): Promise<string>;
  proc: Proc;
  stop(): Promise<void>;
}

export interface ChallTestSrv {
  /** `127.0.0.1:{port}`, what Pebble's `-dnsserver` is given. */
  dns: string;
  management: number;
  /** Answers A queries for `host` with `address` (its `/add-a` API). */
  addA(host: string, address: string): Promise<void>;
  /** How many DNS queries it answered for `host` (Pebble asks on every validation and CAA check). */
  dnsQueries(host: string): Promise<number>;
  /** Sets a TXT record (its `/set-txt` API), for DNS-01. */
  setTxt(host: string, value: string): Promise<void>;
  /** Removes every TXT record of `host` (its `/clear-txt` API). */
  clearTxt(host: string): Promise<void>;
  proc: Proc;
  stop(): Promise<void>;
}

function requirePebble(): void {
  for (const f of [PEBBLE_BIN, CHALLTESTSRV_BIN, join(CERTS, 'pebble.minica.pem')]) {
    if (!existsSync(f)) throw new Error(`the HTTPS tests need Pebble (${f} is missing); run bash .ci/setup, which builds it from github.com/letsencrypt/pebble/v2`);
  }
}

/**
 * pebble-challtestsrv as the test CA's DNS server only (its own challenge servers off). Names it
 * was not told about resolve to `fallbackIPv4`, an address nothing listens on, so a domain that is
 * not pointed at the server fails validation as it would in the wild.
 */
export async function startChallTestSrv(fallbackIPv4 = '127.0.0.2'): Promise<ChallTestSrv> {
  requirePebble();
  const nextPort = distinctFreePorts();
  const dnsPort = await nextPort();
  const management = await nextPort();
  const proc = startProcess(CHALLTESTSRV_BIN, [
    '-dnsserver', `127.0.0.1:${dnsPort}`, '-management', `127.0.0.1:${management}`,
    '-http01', '', '-https01', '', '-tlsalpn01', '', '-doh', '', '-defaultIPv4', fallbackIPv4, '-defaultIPv6', '',
  ]);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${management}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`challtestsrv ${path}: HTTP ${res.status} ${await res.text()}`);
  };
  await stopOnFailure(proc, waitFor(`pebble-challtestsrv on 127.0.0.1:${management}`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`pebble-challtestsrv exited: ${proc.output().slice(-800)}`);
    // Any management call answers once it is up; this one changes nothing the tests look at.
    await post('/clear-request-history', { host: 'ready.invalid', type: 'dns' });
    return true;
  }, 30_000));
  return {
    dns: `127.0.0.1:${dnsPort}`,
    management,
    addA: (host, address) => post('/add-a', { host, addresses: [address] }),
    async dnsQueries(host) {
      let n = 0;
      for (const name of [host, `${host}.`]) {
        const res = await fetch(`http://127.0.0.1:${management}/dns-request-history`, { method: 'POST', body: JSON.stringify({ host: name }) });
        n += ((await res.json()) as unknown[] | null)?.length ?? 0;
      }
      return n;
    },
    setTxt: (host, value) => post('/set-txt', { host: host.endsWith('.') ? host : `${host}.`, value }),
    clearTxt: (host) => post('/clear-txt', { host: host.endsWith('.') ? host : `${host}.` }),
    proc,
    stop: () => proc.stop(),
  };
}

/**
 * Pebble with its own config in `dir`: listening on free loopback ports, validating HTTP-01 on
 * `httpPort` and TLS-ALPN-01 on `tlsPort` (the ports Traefik's entrypoints use in the test),
 * resolving through `dnsServer`, without its random validation sleeps or nonce rejections, and
 * (by default) validating every order afresh, so each new order shows in the DNS server's history.
 */
export async function startPebble(dir: string, opts: { dnsServer: string; httpPort: number; tlsPort: number; authzReuse?: number }): Promise<Pebble> {
  requirePebble();
  mkdirSync(dir, { recursive: true });
  const nextPort = distinctFreePorts();
  const port = await nextPort();
  const management = await nextPort();
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${port}`,
      managementListenAddress: `127.0.0.1:${management}`,
      certificate: join(CERTS, 'cert.pem'),
      privateKey: join(CERTS, 'key.pem'),
      httpPort: opts.httpPort,
      tlsPort: opts.tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      retryAfter: { authz: 1, order: 1 },
      keyAlgorithm: 'ecdsa',
    },
  };
  writeFileSync(join(dir, 'pebble-config.json'), JSON.stringify(config, null, 2));
  const env = { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: String(opts.authzReuse ?? 0) };
  const proc = startProcess(PEBBLE_BIN, ['-config', join(dir, 'pebble-config.json'), '-dnsserver', opts.dnsServer], env);
  const ca = readFileSync(join(CERTS, 'pebble.minica.pem'));
  const get = (p: number, path: string) => httpsGet(`https://127.0.0.1:${p}${path}`, ca);
  await stopOnFailure(proc, waitFor(`Pebble on 127.0.0.1:${port}`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`Pebble exited: ${proc.output().slice(-800)}`);
    const dir = await get(port, '/dir');
    if (dir.status !== 200) throw new Error(`GET /dir: ${dir.status} ${dir.body.slice(0, 200)}`);
    return true;
    // It generates its CA keys first, which takes a while on a busy machine.
  }, 60_000, 100));
  return {
    directory: `https://127.0.0.1:${port}/dir`,
    caRootFile: join(CERTS, 'pebble.minica.pem'),
    issuerRoot: async () => (await get(management, '/roots/0')).body,
    proc,
    stop: () => proc.stop(),
  };
}

/** A process that did not come up is stopped (by its own handle) before the error goes on, never left behind. */
async function stopOnFailure<T>(proc: Proc, started: Promise<T>): Promise<T> {
  try {
    return await started;
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(`${(err as Error).message} (output: ${proc.output().slice(-800)})`);
  }
}

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Pebble, like any ACME server, refuses requests without a User-Agent.
    const req = request(url, { ca, timeout: 3000, headers: { 'user-agent': 'rdc-tests' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
