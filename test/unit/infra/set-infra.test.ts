import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyInfra } from '../../../src/core/config/model.js';
import { applyInfraFlags } from '../../../src/core/infra/set-infra.js';

const problemsOf = (flags: Parameters<typeof applyInfraFlags>[1], base = emptyInfra()) =>
  applyInfraFlags(base, flags).problems.map((p) => `${p.where}: ${p.message}`);

test('every bad flag is reported, each under its own name', () => {
  const problems = problemsOf({ publicIpv4: '2001:db8::1', publicIpv6: '1.2.3.4', baseDomain: '*.x.com', certEmail: 'nope', cfDnsToken: 'a b', tcpPorts: '25,x', httpPort: '0' });
  assert.deepEqual(problems.map((p) => p.split(':')[0]), ['--public-ipv4', '--public-ipv6', '--base-domain', '--cert-email', '--cf-dns-token', '--tcp-ports', '--http-port']);
});

test('port clashes: 80/443 and the HTTP(S) ports are not TCP entrypoints', () => {
  assert.match(problemsOf({ tcpPorts: '25,80' }).join('\n'), /--tcp-ports: 80 is reserved for (HTTP|the HTTP entrypoint)/);
  assert.match(problemsOf({ tcpPorts: '443' }).join('\n'), /--tcp-ports: 443 is reserved for (HTTPS|the HTTPS entrypoint)/);
  assert.match(problemsOf({ httpPort: '8080', tcpPorts: '8080' }).join('\n'), /--tcp-ports: 8080 is reserved for the HTTP entrypoint/);
  assert.match(problemsOf({ httpPort: '5432' }).join('\n'), /--http-port: 5432 is already a TCP entrypoint/);
  assert.match(problemsOf({ httpsPort: '10003' }).join('\n'), /--https-port: 10003 is already a TCP entrypoint/);
  assert.match(problemsOf({ httpPort: '8443', httpsPort: '8443' }).join('\n'), /--https-port: 8443 is also the HTTP port/);
  assert.match(problemsOf({ tcpPorts: '7111' }).join('\n'), /--tcp-ports: 7111 is reserved for the route server/);
  assert.match(problemsOf({ routeServerPort: '5432' }).join('\n'), /--route-server-port: 5432 is also a Traefik entrypoint port/);
  assert.match(problemsOf({ apiPort: '7111' }).join('\n'), /--api-port: 7111 is also the route server's port/);
});

test('values are normalised and an empty value restores the default', () => {
  const { infra, problems, changed } = applyInfraFlags(emptyInfra(), { baseDomain: 'Example.COM.', tcpPorts: '993, 25,25', httpPort: '8080' });
  assert.deepEqual(problems, []);
  assert.equal(infra.baseDomain, 'example.com');
  assert.deepEqual(infra.tcpPorts, [25, 993]);
  assert.deepEqual(changed, ['baseDomain', 'tcpPorts', 'httpPort']);
  const back = applyInfraFlags(infra, { httpPort: '', tcpPorts: '', baseDomain: '' }).infra;
  assert.deepEqual(back, emptyInfra());
});

test('ACME: an email alone gives TLS-ALPN-01, a token DNS-01, a chosen challenge wins; a CA root is checked PEM', async () => {
  const { acmeChallenge, tlsConfigured } = await import('../../../src/core/config/model.js');
  const { readFileSync } = await import('node:fs');
  const email = applyInfraFlags(emptyInfra(), { certEmail: 'a@example.com' });
  assert.deepEqual(email.problems, []);
  assert.equal(tlsConfigured(email.infra), true);
  assert.equal(acmeChallenge(email.infra), 'tls');
  const dns = applyInfraFlags(email.infra, { cfDnsToken: 'tok0123456789' });
  assert.equal(acmeChallenge(dns.infra), 'dns');
  const http = applyInfraFlags(dns.infra, { acmeChallenge: 'http' });
  assert.equal(acmeChallenge(http.infra), 'http');
  assert.deepEqual(http.changed, ['acmeChallenge']);
  const root = readFileSync('/usr/local/share/pebble/certs/pebble.minica.pem', 'utf8');
  const own = applyInfraFlags(email.infra, { acmeCaServer: 'https://127.0.0.1:14000/dir', acmeCaRoot: `\n${root}\n\n` });
  assert.deepEqual(own.problems, []);
  assert.equal(own.infra.acmeCaRoot, root.trim() + '\n', 'normalised to the certificate itself');
  // A leaf certificate is no root; a server without a root is fine (a public CA), a root without a server is not.
  const leaf = readFileSync('/usr/local/share/pebble/certs/cert.pem', 'utf8');
  assert.match(problemsOf({ acmeCaServer: 'https://ca.example.com/dir', acmeCaRoot: leaf }).join('\n'), /--acme-ca-root: certificate 1 of the file .* is not a CA certificate/);
  assert.match(problemsOf({ acmeCaRoot: root }).join('\n'), /--acme-ca-root: a CA root is only used/);
  assert.match(problemsOf({ acmeChallenge: 'dns' }).join('\n'), /--acme-challenge: dns \(DNS-01\) needs a Cloudflare token/);
  // Clearing restores the defaults.
  const cleared = applyInfraFlags(own.infra, { acmeCaServer: '', acmeCaRoot: '' });
  assert.deepEqual([cleared.infra.acmeCaServer, cleared.infra.acmeCaRoot], [undefined, undefined]);
});

test('--acme-dns-resolvers: IP literals with an optional port, normalised; only with DNS-01; "" clears', () => {
  const dns = { cfDnsToken: 'tok-0123456789', certEmail: 'a@example.com' };
  const set = applyInfraFlags(emptyInfra(), { ...dns, acmeDnsResolvers: '10.0.0.53, 10.0.0.54:5353,[2001:db8::53]:53,2001:db8::54,10.0.0.53:53' });
  assert.deepEqual(set.problems, []);
  assert.deepEqual(set.infra.acmeDnsResolvers, ['10.0.0.53:53', '10.0.0.54:5353', '[2001:db8::53]:53', '[2001:db8::54]:53']);
  for (const bad of ['ns1.example.com', '10.0.0.53:0', '10.0.0.53:70000', '0.0.0.0', '[::]:53', '127.1', 'fe80::1%eth0', '10.0.0.1,', '1.2.3.4;rm']) {
    assert.match(problemsOf({ ...dns, acmeDnsResolvers: bad }).join('\n'), /^--acme-dns-resolvers: /, bad);
  }
  const nine = Array.from({ length: 9 }, (_, i) => `10.0.0.${i + 1}`).join(',');
  assert.match(problemsOf({ ...dns, acmeDnsResolvers: nine }).join('\n'), /--acme-dns-resolvers: 9 resolvers given, at most 8/);
  assert.match(problemsOf({ certEmail: 'a@example.com', acmeDnsResolvers: '10.0.0.53' }).join('\n'), /--acme-dns-resolvers: DNS resolvers are only used by the DNS-01 challenge/);
  assert.match(problemsOf({ acmeChallenge: 'tls' }, set.infra).join('\n'), /--acme-dns-resolvers: DNS resolvers are only used by the DNS-01 challenge/);
  assert.deepEqual(applyInfraFlags(set.infra, { acmeDnsResolvers: '' }).infra.acmeDnsResolvers, []);
});
