import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { proxyProject } from '../../src/renet/infra/proxy.js';
import { CloudflareApi } from '../helpers/cloudflare-api.js';
import { CERTS, startChallTestSrv, startPebble, type ChallTestSrv, type Pebble } from '../helpers/pebble.js';
import { handshake, verifiedGet } from '../helpers/pebble-tls.js';
import { startZoneDns, type ZoneDns } from '../helpers/pebble-zone-dns.js';
import { startRepoBed, type RepoBed } from '../helpers/repo-bed.js';
import { waitFor } from '../helpers/testbed/ports.js';

const run = promisify(execFile);
const TOKEN = 'dns01-test-token-0123456789';
const LABEL = 'dns01';

/**
 * DNS-01 through Cloudflare, on the wire: the real Traefik's lego Cloudflare provider talks HTTPS to
 * the Cloudflare v4 stand-in, which copies every TXT record it is given to pebble-challtestsrv;
 * Pebble validates there and issues the wildcard certificate `*.{baseDomain}` that every auto route
 * asks for. lego finds the zone (SOA) and checks the TXT record through `--acme-dns-resolvers`
 * (startZoneDns: SOA for the zone, everything else from challtestsrv).
 */
describe('HTTPS by DNS-01 through Cloudflare: a wildcard certificate from Pebble', () => {
  let dns: ChallTestSrv;
  let zoneDns: ZoneDns;
  let pebble: Pebble;
  let bed: RepoBed;
  let issuerRoot: string;
  const cloudflare = new CloudflareApi();
  const domain = `${LABEL}.test`;
  const txtSeen: string[] = [];

  before(async () => {
    dns = await startChallTestSrv();
    zoneDns = await startZoneDns([domain], dns.dns);
    const zone = cloudflare.addZone(domain);
    cloudflare.tokens.set(TOKEN, { zones: [zone], edit: true });
    cloudflare.onTxt = async (event, record) => {
      txtSeen.push(`${event} ${record.name}`);
      // lego sends the value quoted, as Cloudflare's API documents for TXT content.
      if (event === 'set') await dns.setTxt(record.name, record.content.replace(/^"(.*)"$/, '$1'));
      else await dns.clearTxt(record.name);
    };
    // HTTPS with Pebble's own test certificate (127.0.0.1, signed by the minica root that
    // --acme-ca-root pushes), so lego reaches it as it reaches api.cloudflare.com: over verified TLS.
    const api = await cloudflare.start({ tls: { cert: readFileSync(join(CERTS, 'cert.pem')), key: readFileSync(join(CERTS, 'key.pem')) } });
    // rdc's own DNS sync (push-infra, with a token) talks to the same stand-in.
    bed = await startRepoBed(LABEL, { RDC_CLOUDFLARE_BASE_URL: api, NODE_EXTRA_CA_CERTS: join(CERTS, 'pebble.minica.pem') });
    assert.equal(bed.domain, domain);
    pebble = await startPebble(join(bed.dir, 'pebble'), { dnsServer: dns.dns, httpPort: bed.ports.http, tlsPort: bed.ports.https });
    issuerRoot = await pebble.issuerRoot();
  });

  after(async () => {
    await Promise.allSettled([bed?.stop(), pebble?.stop(), dns?.stop(), zoneDns?.stop(), cloudflare.stop()]);
  });

  test('set-infra with a Cloudflare token and own resolvers: a DNS-01 resolver, auto routes asking for *.{baseDomain}', async () => {
    const s = await bed.rdc(['context', 'set-infra', 's1', '--cert-email', 'ops@example.com', '--cf-dns-token', '-',
      '--acme-ca-server', pebble.directory, '--acme-ca-root', pebble.caRootFile, '--acme-dns-resolvers', zoneDns.address], { stdin: TOKEN });
    assert.equal(s.code, 0, s.stderr);
    const infra = (JSON.parse((await bed.rdc(['context', 'show-infra', 's1', '--json'])).stdout) as { infra: Record<string, unknown> }).infra;
    assert.equal(infra.acmeChallenge, 'dns');
    assert.deepEqual(infra.acmeDnsResolvers, [zoneDns.address]);
    const p = await bed.rdc(['context', 'push-infra', 's1']);
    assert.equal(p.code, 0, `${p.stdout}\n${p.stderr}`);
    const root = bed.server.rootPrefix;
    const staticConfig = readFileSync(join(root, 'opt/rediacc/proxy/traefik/traefik.yml'), 'utf8');
    assert.match(staticConfig, /dnsChallenge:\n\s+provider: cloudflare\n\s+resolvers:\n\s+- 127\.0\.0\.1:\d+\n\s+propagation:\n\s+disableANSChecks: true/);
    const router = JSON.parse(readFileSync(join(root, 'etc/rediacc/router.json'), 'utf8')) as { certWildcard?: string };
    assert.equal(router.certWildcard, `*.${domain}`);
    assert.match(readFileSync(join(root, 'opt/rediacc/proxy/config.env'), 'utf8'), new RegExp(`^CF_DNS_API_TOKEN=${TOKEN}$`, 'm'));

    // The one step outside rdc: Traefik's lego must reach the stand-in instead of api.cloudflare.com
    // (CLOUDFLARE_BASE_URL, read by lego's Cloudflare provider) and trust its certificate
    // (SSL_CERT_FILE: Go's system roots become the pushed minica root). The test adds both to the
    // env file rdc pushed and lets compose recreate Traefik, as a changed env file does.
    const proxyDir = join(root, 'opt/rediacc/proxy');
    appendFileSync(join(proxyDir, 'config.env'), `CLOUDFLARE_BASE_URL=${cloudflare.url}\nSSL_CERT_FILE=/etc/traefik/acme-ca.pem\n`);
    assert.equal(statSync(join(proxyDir, 'config.env')).mode & 0o777, 0o600);
    await run('docker', ['compose', '-p', proxyProject(root), '-f', join(proxyDir, 'docker-compose.yml'), 'up', '-d'], { env: { ...process.env, DOCKER_HOST: `unix://${join(root, 'var/run/docker.sock')}` } });
  });

  test('repo up: Traefik gets *.{baseDomain} from Pebble by DNS-01 through the Cloudflare API and serves it for the auto route', async () => {
    const networkId = bed.networkId();
    const autoHost = `web-${networkId}.${domain}`;
    const src = bed.exampleSource('web', `app.${domain}`);
    const r = await bed.rdc(['repo', 'up', 'web', '-m', 's1', '--network-id', String(networkId), '--size', '256M', '--path', src, '--mount']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(r.stdout.includes(`https://${autoHost}:${bed.ports.https}/`), r.stdout);

    // What the servers saw goes into the message when the wait fails (read now it would be empty).
    const served = await waitFor(`the wildcard certificate for ${autoHost}`, async () => {
      const h = await handshake(bed.listen, bed.ports.https, autoHost, issuerRoot);
      return h.authorized ? h : undefined;
    }, 180_000, 500).catch((err: Error) => {
      throw new Error(`${err.message} (Cloudflare calls: ${JSON.stringify(cloudflare.log.slice(-6))}; TXT: ${txtSeen.join(', ')}; lego's DNS: ${zoneDns.log.slice(-6).join(', ')}; Pebble: ${pebble.proc.output().slice(-500)})`);
    });
    assert.equal(served.error, undefined);
    assert.equal(served.cert.subjectaltname, `DNS:*.${domain}`);
    assert.match(String(served.cert.issuer.CN), /Pebble Intermediate/);
    assert.equal(await verifiedGet(bed.listen, bed.ports.https, autoHost, issuerRoot), 200);

    // The way it went: lego found the zone through the resolver (SOA), created the TXT record
    // through the API (copied to challtestsrv, where Pebble validated it) and deleted it after.
    assert.ok(zoneDns.log.includes(`SOA ${domain}`), zoneDns.log.join(', '));
    assert.ok(txtSeen.includes(`set _acme-challenge.${domain}`), txtSeen.join(', '));
    assert.ok(txtSeen.includes(`delete _acme-challenge.${domain}`), txtSeen.join(', '));
    assert.ok(cloudflare.log.some((l) => l.method === 'POST' && /\/zones\/[0-9a-f]+\/dns_records$/.test(l.path)));
    // No TXT record left behind. Traefik may run a second order (app.${domain}, from the Host() router) beside the
    // wildcard's, and that order's record goes only when it ends: wait for the end state, not a moment in it.
    await waitFor('no TXT record left behind', async () => {
      const left = [...cloudflare.records.values()].filter((rec) => rec.type === 'TXT');
      if (left.length) throw new Error(`still there: ${left.map((rec) => rec.name).join(', ')}`);
      return true;
    }, 120_000, 250);

    // Read until it parses: Traefik rewrites acme.json (truncate, then write) whenever an order completes.
    const acme = await waitFor('acme.json to parse', async () => JSON.parse(readFileSync(join(bed.server.rootPrefix, 'opt/rediacc/proxy/letsencrypt/acme.json'), 'utf8')) as { letsencrypt: { Certificates: { domain: { main: string }; certificate: string }[] } }, 10_000, 100);
    const entry = acme.letsencrypt.Certificates.find((c) => c.domain.main === `*.${domain}`);
    assert.ok(entry, 'acme.json holds the wildcard certificate');
    const leaf = new X509Certificate(Buffer.from(entry.certificate, 'base64').toString('utf8'));
    assert.equal(leaf.serialNumber.toUpperCase(), served.cert.serialNumber.toUpperCase());

    // The Host() router of the same app (its own name under the zone) is served a valid certificate too.
    const app = await waitFor(`a certificate for app.${domain}`, async () => {
      const h = await handshake(bed.listen, bed.ports.https, `app.${domain}`, issuerRoot);
      return h.authorized ? h : undefined;
    }, 180_000, 500);
    assert.match(app.cert.subjectaltname ?? '', new RegExp(`DNS:(app|\\*)\\.${LABEL}\\.test`));
  });

  test('machine status lists the wildcard certificate with its issuer, expiry and resolver', async () => {
    const r = await bed.rdc(['machine', 'status', 's1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const certs = (JSON.parse(r.stdout) as { certificates: { domain: string; issuer: string | null; daysLeft: number | null; resolver: string | null; lastError: string | null }[] }).certificates;
    const wildcard = certs.find((c) => c.domain === `*.${domain}`);
    assert.ok(wildcard, JSON.stringify(certs));
    assert.match(wildcard.issuer ?? '', /Pebble Intermediate/);
    assert.equal(wildcard.resolver, 'letsencrypt');
    assert.ok((wildcard.daysLeft ?? 0) > 14, `days left: ${wildcard.daysLeft}`);
    assert.equal(wildcard.lastError, null);
  });
});
