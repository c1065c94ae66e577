import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyInfra } from '../../../src/config/model.js';
import { applyInfraFlags } from '../../../src/infra/set-infra.js';

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
