import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from '../../../src/core/config/validators.js';

const accepts = <T>(check: (s: string) => v.Check<T>, input: string, value: T) => {
  const r = check(input);
  assert.ok(r.ok, `${JSON.stringify(input)} should be accepted: ${r.ok ? '' : r.expected}`);
  assert.deepEqual(r.value, value);
};
const rejects = <T>(check: (s: string) => v.Check<T>, input: string, message: RegExp) => {
  const r = check(input);
  assert.ok(!r.ok, `${JSON.stringify(input)} should be rejected`);
  assert.match(r.expected, message);
};

test('IPv4 and IPv6 are told apart', () => {
  accepts(v.checkIPv4, '203.0.113.50', '203.0.113.50');
  rejects(v.checkIPv4, '2001:db8::1', /is an IPv6 address; give it with --public-ipv6/);
  rejects(v.checkIPv4, '256.1.1.1', /not an IPv4 address/);
  rejects(v.checkIPv4, '1.2.3', /not an IPv4 address/);
  accepts(v.checkIPv6, '2001:DB8::1', '2001:db8::1');
  accepts(v.checkIPv6, '[2001:db8::1]', '2001:db8::1');
  rejects(v.checkIPv6, '203.0.113.50', /is an IPv4 address; give it with --public-ipv4/);
  rejects(v.checkIPv6, '2001:db8::g', /not an IPv6 address/);
});

test('domains are lower-cased, IDN becomes punycode, one trailing dot is dropped', () => {
  accepts(v.checkDomain, 'Example.COM', 'example.com');
  accepts(v.checkDomain, 'example.com.', 'example.com');
  accepts(v.checkDomain, 'bücher.example', 'xn--bcher-kva.example');
  rejects(v.checkDomain, 'example.com..', /not a valid domain/);
  rejects(v.checkDomain, '*.example.com', /wildcard/);
  rejects(v.checkDomain, 'https://example.com', /not a domain name/);
  rejects(v.checkDomain, 'example', /single label/);
  rejects(v.checkDomain, '-bad.example.com', /starting or ending with '-'/);
  rejects(v.checkDomain, '10.0.0.1', /looks like an IP address/);
  rejects(v.checkDomain, `${'a'.repeat(64)}.com`, /not a valid domain/);
});

test('email, token, names, users, paths, images', () => {
  accepts(v.checkEmail, 'Admin@Example.com', 'Admin@example.com');
  rejects(v.checkEmail, 'admin@', /not an email/);
  rejects(v.checkEmail, 'admin example.com', /not an email/);
  accepts(v.checkToken, 'abc-DEF_123', 'abc-DEF_123');
  rejects(v.checkToken, '', /empty/);
  rejects(v.checkToken, 'abc def', /whitespace/);
  rejects(v.checkToken, 'abc\n', /whitespace/);
  rejects(v.checkToken, 'abc"def', /characters a Cloudflare API token never has/);
  assert.ok(!JSON.stringify(v.checkToken('secret value')).includes('secret value'), 'never echoes the token');
  accepts(v.checkName, 'server-1', 'server-1');
  for (const bad of ['Server', '-a', 'a_b', 'a b', '', 'a;rm', '$(id)', 'x'.repeat(64)]) rejects(v.checkName, bad, /not a valid name/);
  accepts(v.checkUser, 'deploy', 'deploy');
  rejects(v.checkUser, 'root;id', /not a valid user/);
  accepts(v.checkAbsolutePath, '/mnt/rediacc/', '/mnt/rediacc');
  rejects(v.checkAbsolutePath, 'mnt', /not an absolute path/);
  rejects(v.checkAbsolutePath, '/mnt/../etc', /'\.\.'/);
  accepts(v.checkImage, 'traefik:v3.7', 'traefik:v3.7');
  accepts(v.checkImage, 'registry.example.com:5000/proxy/traefik:v3.7.9', 'registry.example.com:5000/proxy/traefik:v3.7.9');
  rejects(v.checkImage, 'Traefik:latest', /not a Docker image/);
  rejects(v.checkImage, 'traefik:v3.7; rm -rf /', /not a Docker image/);
});

test('port lists: integers 1-65535, commas, duplicates merged, empty clears', () => {
  accepts(v.checkPortList, '25,143, 465,25', [25, 143, 465]);
  accepts(v.checkPortList, '', []);
  for (const bad of ['0', '65536', '25,,26', '1e3', '0x19', '25a', '-1', '2.5', '25 26']) rejects(v.checkPortList, bad, /not a port/);
});
