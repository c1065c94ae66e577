import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyInfra } from '../../../src/core/config/model.js';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import { renderInfraTree } from '../../../src/core/render/infra-tree.js';
import { applyInfraFlags, checkInfra, type InfraFlags } from '../../../src/core/infra/set-infra.js';
import { checkInfraTree } from '../../../src/rdc/services/render-infra.js';
import { loadInfraTemplates } from '../../../src/rdc/services/templates.js';

const problemsOf = (flags: InfraFlags, base = emptyInfra()) => applyInfraFlags(base, flags).problems.map((p) => `${p.where}: ${p.message}`).join('\n');
const templates = await loadInfraTemplates();

test('listener settings that could not all bind are refused at set-infra, each naming its flag', () => {
  assert.match(problemsOf({ publicIpv4: '203.0.113.5', publicIpv6: '::' }), /--public-ipv6: "::" is the unspecified address/);
  assert.match(problemsOf({ publicIpv4: '0.0.0.0', publicIpv6: '::' }), /--public-ipv4: "0.0.0.0" is the unspecified address[\s\S]*--public-ipv6: "::"/);
  assert.match(problemsOf({ publicIpv6: 'fe80::1%eth0' }), /--public-ipv6: .*zone index/);
  assert.match(problemsOf({ listenAddress: 'fe80::1%eth0' }), /--listen-address: .*zone index/);
  assert.match(problemsOf({ publicIpv4: '224.0.0.1' }), /--public-ipv4: .*multicast/);
  assert.match(problemsOf({ publicIpv4: '255.255.255.255' }), /--public-ipv4: .*broadcast/);
  assert.match(problemsOf({ publicIpv6: '::ffff:203.0.113.5' }), /--public-ipv6: .*IPv4-mapped/);
});

test('port 22 is SSH: refused for every TCP listener, with the fix', () => {
  assert.match(problemsOf({ tcpPorts: '25,22' }), /--tcp-ports: 22 is reserved for SSH .*remove it from the TCP port list/);
  assert.match(problemsOf({ httpPort: '22' }), /--http-port: 22 is reserved for SSH.*pick another port, e\.g\. 8080/);
  assert.match(problemsOf({ httpsPort: '22' }), /--https-port: 22 is reserved for SSH.*8443/);
  assert.match(problemsOf({ apiPort: '22' }), /--api-port: 22 is reserved for SSH/);
  assert.match(problemsOf({ routeServerPort: '22' }), /--route-server-port: 22 is reserved for SSH/);
  assert.equal(problemsOf({ udpPorts: '22' }), '', 'UDP 22 is no SSH');
});

test('an empty --cf-dns-token removes the token, like every other setting', () => {
  const withToken = applyInfraFlags(emptyInfra(), { cfDnsToken: 'tok-0123456789' });
  assert.deepEqual(withToken.problems, []);
  const cleared = applyInfraFlags(withToken.infra, { cfDnsToken: '' });
  assert.deepEqual(cleared.problems, []);
  assert.equal(cleared.infra.cfDnsApiToken, undefined);
  assert.deepEqual(cleared.changed, ['cfDnsApiToken']);
});

test('whatever set-infra accepts renders a tree that passes the static lint (no "bug in rdc" at push)', () => {
  const accepted: InfraFlags[] = [
    { publicIpv4: '203.0.113.5', publicIpv6: '2001:db8::5' },
    { publicIpv4: '127.0.0.2', listenAddress: '127.0.0.2', httpPort: '8080', httpsPort: '8443' },
    { listenAddress: '0.0.0.0', publicIpv4: '203.0.113.5' },
    { listenAddress: '::', publicIpv6: '2001:db8::5', tcpPorts: '25,143', udpPorts: '53,1194' },
    { listenAddress: '::1', apiPort: '9000', routeServerPort: '7200' },
  ];
  for (const flags of accepted) {
    const change = applyInfraFlags(emptyInfra(), flags);
    assert.deepEqual(change.problems, [], JSON.stringify(flags));
    const machine = { host: '10.0.0.1', user: 'root', port: 22, sshKey: undefined, hostKeys: [], datastore: '/mnt/rediacc', rootPrefix: '/', infra: change.infra, dnsZone: undefined };
    assert.deepEqual(checkInfraTree(renderInfraTree('m', machine, templates)), [], JSON.stringify(flags));
  }
});

test('the config file is held to the same rules, at the path of the value', () => {
  const { errors } = parseConfig({ contexts: { default: { machines: { m: { host: '10.0.0.1', user: 'root', infra: { publicIPv4: '203.0.113.5', publicIPv6: '::', tcpPorts: [25, 22], listenAddress: 'ff02::1' } } } } } });
  const where = errors.map((e) => e.where);
  assert.ok(where.includes('contexts.default.machines.m.infra.publicIPv6'), where.join());
  assert.ok(where.includes('contexts.default.machines.m.infra.listenAddress'), where.join());
  const ports = parseConfig({ contexts: { default: { machines: { m: { host: '10.0.0.1', user: 'root', infra: { tcpPorts: [25, 22] } } } } } });
  assert.deepEqual(ports.errors.map((e) => e.where), ['contexts.default.machines.m.infra.tcpPorts[1]']);
});

test('the listener check itself: whatever slips past the field checks and cannot bind is named', () => {
  const where = (field: string) => field;
  const wildcard = checkInfra({ ...emptyInfra(), publicIPv4: '0.0.0.0', publicIPv6: '::' }, where);
  assert.deepEqual(wildcard.map((p) => p.where), ['publicIPv6', 'publicIPv6']);
  assert.match(wildcard[0]?.message ?? '', /entrypoints web, web-v6 all bind tcp\/80 .*binds every address.*change the addresses or ports/);
  assert.match(wildcard[1]?.message ?? '', /entrypoints websecure, websecure-v6 all bind tcp\/443 .*binds every address.*change the addresses or ports/);
  const zoned = checkInfra({ ...emptyInfra(), publicIPv6: 'fe80::1%eth0' }, where);
  assert.deepEqual(zoned.map((p) => p.where), ['publicIPv6']);
  assert.match(zoned[0]?.message ?? '', /entrypoints (web, )?websecure-v6.* cannot listen/);
  assert.deepEqual(checkInfra({ ...emptyInfra(), publicIPv4: '203.0.113.5', publicIPv6: '2001:db8::5', listenAddress: '0.0.0.0' }, where), []);
});
