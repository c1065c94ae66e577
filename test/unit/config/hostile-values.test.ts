import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from '../../../src/core/config/validators.js';

const HUGE = 'a'.repeat(100_000);

const refused = <T>(check: (s: string) => v.Check<T>, input: string, message: RegExp) => {
  const r = check(input);
  assert.ok(!r.ok, `${JSON.stringify(input.slice(0, 80))} should be refused`);
  assert.match(r.expected, message);
  assert.ok(r.expected.length < 600, `the message stays short (${r.expected.length} characters)`);
};

test('show() cuts a long value and says how long it was', () => {
  assert.equal(v.show('short'), '"short"');
  const shown = v.show(HUGE);
  assert.ok(shown.length < 100);
  assert.match(shown, /… \(100000 characters\)$/);
  assert.ok(v.show({ k: HUGE }).length < 200);
  assert.equal(v.show('a\u202eb\u0085c\u001b'), '"a\\u202eb\\u0085c\\u001b"', 'bidi overrides and controls are escaped');
});

test('every string input is bounded and a 100 KB value is never echoed whole', () => {
  const checks: [string, (s: string) => v.Check<unknown>][] = [
    ['name', v.checkName], ['host', v.checkHost], ['user', v.checkUser], ['domain', v.checkDomain], ['email', v.checkEmail],
    ['token', v.checkToken], ['image', v.checkImage], ['path', v.checkAbsolutePath], ['datastore', v.checkDatastore],
    ['ipv4', v.checkPublicIPv4], ['ipv6', v.checkPublicIPv6], ['listen', v.checkListenAddress], ['ports', v.checkPortList],
    ['guid', v.checkGuid], ['volume', v.checkVolumeKind],
  ];
  for (const [name, check] of checks) {
    const r = check(HUGE);
    assert.ok(!r.ok, `${name} refuses 100 KB`);
    assert.ok(r.expected.length < 600, `${name}: the message is short (${r.expected.length})`);
    assert.ok(!r.expected.includes('a'.repeat(100)), `${name}: the value is not echoed whole`);
  }
  refused(v.checkImage, `traefik:${'v'.repeat(600)}`, /characters long; a Docker image reference has at most 512/);
  refused(v.checkToken, 'A'.repeat(2000), /2000 characters long; a token has at most 1024/);
  assert.ok(!JSON.stringify(v.checkToken('x'.repeat(2000))).includes('xxxx'), 'a token is never echoed');
  refused(v.checkAbsolutePath, `/${'d/'.repeat(600)}`, /a path has at most 1024/);
});

test('IPv4 in dotted-quad decimal only: octal, hex, integer and short forms are refused everywhere', () => {
  for (const form of ['0177.0.0.1', '2130706433', '0x7f.1', '127.1', '0x7f000001', '010.0.0.1', '127.0.0.01']) {
    refused(v.checkIPv4, form, /not an IPv4 address/);
    refused(v.checkHost, form, /dotted-quad decimal/);
    refused(v.checkListenAddress, form, /not an IP address/);
  }
  // The same forms (and a dotted quad) with a root dot: the last label before it decides.
  for (const form of ['0177.0.0.1.', '2130706433.', '0x7f.1.', '127.1.', '1.2.3.4.', '1.2.3.256.']) refused(v.checkHost, form, /dotted-quad decimal/);
  assert.deepEqual(v.checkHost('server1.example.com.'), { ok: true, value: 'server1.example.com.' });
  assert.deepEqual(v.checkHost('127.0.0.1'), { ok: true, value: '127.0.0.1' });
  assert.deepEqual(v.checkHost('server1.example.com'), { ok: true, value: 'server1.example.com' });
  refused(v.checkHost, 'fe80::1%eth0', /zone index/);
});

test('public addresses are unicast addresses of the machine', () => {
  refused(v.checkPublicIPv4, '0.0.0.0', /unspecified address/);
  refused(v.checkPublicIPv4, '255.255.255.255', /broadcast/);
  refused(v.checkPublicIPv4, '224.0.0.1', /multicast/);
  refused(v.checkPublicIPv4, '239.255.255.250', /multicast/);
  refused(v.checkPublicIPv4, '240.0.0.1', /reserved/);
  refused(v.checkPublicIPv6, '::', /unspecified address/);
  refused(v.checkPublicIPv6, '0:0:0:0:0:0:0:0', /unspecified address/);
  refused(v.checkPublicIPv6, '[0::0]', /unspecified address/);
  refused(v.checkPublicIPv6, '::ffff:0.0.0.0', /unspecified address|IPv4-mapped/);
  assert.deepEqual(v.checkPublicIPv6('2001:DB8:0:0:0:0:0:1'), { ok: true, value: '2001:db8::1' }, 'stored in RFC 5952 form');
  assert.deepEqual(v.checkListenAddress('0:0::0'), { ok: true, value: '::' });
  refused(v.checkPublicIPv6, 'ff02::1', /multicast/);
  refused(v.checkPublicIPv6, 'fe80::1', /link-local/);
  refused(v.checkPublicIPv6, 'fe80::1%eth0', /zone index/);
  refused(v.checkPublicIPv6, '::ffff:203.0.113.5', /IPv4-mapped/);
  assert.ok(v.checkPublicIPv4('203.0.113.50').ok);
  assert.ok(v.checkPublicIPv4('127.0.0.2').ok, 'loopback stays possible (test servers, the demo)');
  // The repos' loopback space (127.0.11.0 and up): a listener there takes a repo's own ports and traffic.
  for (const ip of ['127.0.11.2', '127.0.11.0', '127.1.0.5', '127.255.255.254']) {
    refused(v.checkPublicIPv4, ip, /repos' loopback space/);
    refused(v.checkListenAddress, ip, /repos' loopback space/);
  }
  assert.ok(v.checkListenAddress('127.0.10.255').ok, 'below the first repo (2816 = 127.0.11.0)');
  // IPv4-compatible IPv6 (deprecated, never on an interface), in any spelling.
  for (const ip of ['::127.0.0.1', '::7f00:1', '::1.2.3.4', '0::0102:0304']) {
    refused(v.checkPublicIPv6, ip, /IPv4-compatible/);
    refused(v.checkListenAddress, ip, /IPv4-compatible/);
  }
  assert.ok(v.checkListenAddress('::1').ok);
  assert.ok(v.checkPublicIPv6('2001:db8::1').ok);
  refused(v.checkListenAddress, '224.0.0.1', /multicast/);
  refused(v.checkListenAddress, 'fe80::1%eth0', /zone index/);
  refused(v.checkListenAddress, '255.255.255.255', /broadcast/);
  for (const ok of ['0.0.0.0', '::', '127.0.0.1', '10.0.0.5', '::1']) assert.ok(v.checkListenAddress(ok).ok, ok);
});

test('a datastore is never a system directory', () => {
  for (const bad of ['/', '/etc', '/usr', '/proc', '/var', '/var/lib', '/home', '/tmp', '/etc/rediacc', '/proc/1', '/usr/local/x', '/sys/fs', '//', '/./etc', '/etc/.']) {
    refused(v.checkDatastore, bad, /system directory/);
  }
  for (const ok of ['/mnt/rediacc', '/srv/rediacc', '/var/lib/rediacc', '/home/me/rediacc', '/tmp/rdc-test-1/mnt']) assert.ok(v.checkDatastore(ok).ok, ok);
});

test('server paths: whitespace, control characters, quotes and backslashes are refused; what systemd can carry is kept', () => {
  for (const bad of ['/srv/a"b', '/srv/a\\b', '/srv/a b', '/srv/a\tb', '/srv/a\nb', '/srv/../etc']) refused(v.checkAbsolutePath, bad, /whitespace, a control character, a double quote, a backslash or '\.\.'/);
  for (const ok of ['/srv/100%h/a+b:c=d', "/tmp/it's-$(touch${IFS}x)", '/srv/a;b&c']) assert.deepEqual(v.checkAbsolutePath(ok), { ok: true, value: ok });
});

test('config paths show a long or unprintable key quoted and cut', async () => {
  const { parseConfig } = await import('../../../src/core/config/parse-config.js');
  const { errors, warnings } = parseConfig({ contexts: { [HUGE]: {}, default: { ['\u001b[31mred']: 1 } } });
  assert.ok(errors.every((e) => e.where.length < 120), errors.map((e) => e.where.slice(0, 130)).join());
  assert.match(errors[0]?.where ?? '', /^contexts\."a{60}"… \(100000 characters\)$/);
  assert.deepEqual(warnings.map((w) => w.where), ['contexts.default."\\u001b[31mred"']);
});
