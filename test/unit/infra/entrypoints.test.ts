import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyInfra, type Infra } from '../../../src/core/config/model.js';
import { bindAddress, entryPoints, routeEntryPoints } from '../../../src/core/infra/entrypoints.js';
import { parsePrimaryAddress } from '../../../src/rdc/remote/commands/primary-address.js';

const infra = (over: Partial<Infra>): Infra => ({ ...emptyInfra(), ...over });
const addresses = (i: Infra) => Object.fromEntries(entryPoints(i).map((e) => [e.name, e.address]));

test('no entrypoint binds the wildcard once an address is known: repos bind 127.x.y.z on the same ports', () => {
  for (const i of [infra({ publicIPv4: '203.0.113.5' }), infra({ publicIPv6: '2001:db8::5' }), infra({ listenAddress: '10.0.0.5' }),
    infra({ publicIPv4: '203.0.113.5', publicIPv6: '2001:db8::5', udpPorts: [1194], apiPort: 8099 })]) {
    for (const [name, address] of Object.entries(addresses(i))) assert.doesNotMatch(address, /^:/, `${name} of ${JSON.stringify(i)}`);
  }
});

test('web, tcp-* and udp-* bind --listen-address, else the public IPv4, else the public IPv6', () => {
  const v4 = addresses(infra({ publicIPv4: '203.0.113.5' }));
  assert.equal(v4.web, '203.0.113.5:80');
  assert.equal(v4['tcp-5432'], '203.0.113.5:5432');
  assert.equal(v4['udp-53'], '203.0.113.5:53/udp');
  const listen = addresses(infra({ publicIPv4: '203.0.113.5', publicIPv6: '2001:db8::5', listenAddress: '10.0.0.5' }));
  assert.equal(listen.web, '10.0.0.5:80');
  assert.equal(listen['tcp-5432'], '10.0.0.5:5432');
  assert.equal(listen['web-v6'], undefined, 'one listen address: no second web');
  assert.equal(listen.websecure, '203.0.113.5:443');
  const v6 = addresses(infra({ publicIPv6: '2001:db8::5' }));
  assert.equal(v6.web, '[2001:db8::5]:80');
  assert.equal(v6['tcp-5432'], '[2001:db8::5]:5432');
});

test('both families public: plain HTTP on each, and routes attach to both without TLS', () => {
  const both = infra({ publicIPv4: '203.0.113.5', publicIPv6: '2001:db8::5' });
  assert.equal(addresses(both).web, '203.0.113.5:80');
  assert.equal(addresses(both)['web-v6'], '[2001:db8::5]:80');
  assert.deepEqual(routeEntryPoints(both).entryPoints, ['web', 'web-v6']);
  assert.deepEqual(routeEntryPoints(infra({ publicIPv4: '203.0.113.5' })).entryPoints, ['web']);
});

test('with no address at all, bindAddress is undefined (push-infra detects one) and only then is the wildcard rendered', () => {
  assert.equal(bindAddress(emptyInfra()), undefined);
  assert.equal(addresses(emptyInfra())['tcp-5432'], ':5432');
  assert.equal(bindAddress(infra({ publicIPv6: '2001:db8::5', listenAddress: '10.0.0.5' })), '10.0.0.5');
});

test('the primary address is the source address of the default route', () => {
  assert.deepEqual(parsePrimaryAddress('1.1.1.1 via 10.213.4.1 dev host0 src 10.213.4.2 uid 0 \\    cache \n'), { address: '10.213.4.2' });
  assert.deepEqual(parsePrimaryAddress('2606:4700:4700::1111 from :: via fe80::1 dev eth0 proto ra src 2001:db8::7 metric 100 pref medium\n'), { address: '2001:db8::7' });
  assert.deepEqual(parsePrimaryAddress(''), { problem: 'the server has no default route' });
  assert.deepEqual(parsePrimaryAddress('no-ip-command\n'), { problem: 'the server has no `ip` command (Debian package iproute2)' });
  assert.match((parsePrimaryAddress('x src $(id)') as { problem: string }).problem, /not an IP address/);
});
