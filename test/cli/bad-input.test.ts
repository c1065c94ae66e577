import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cliWithConfig } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'knownGoodToken0123456789';

/** Every bad input: exit code 2, a message naming the flag and what is expected, the file unchanged. */
describe('bad input leaves the config byte-identical', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);
  let before_ = '';

  before(async () => {
    assert.equal((await rdc(['context', 'add-machine', 'server-1', '--ip', '203.0.113.50', '--user', 'root', '--no-scan'])).code, 0);
    assert.equal((await rdc(['context', 'set-infra', 'server-1', '--public-ipv4', '203.0.113.50', '--cf-dns-token', '-'], TOKEN)).code, 0);
    before_ = readFileSync(configPath, 'utf8');
  });

  const cases: [string, string[], RegExp, string?][] = [
    ['IPv6 given as IPv4', ['context', 'set-infra', 'server-1', '--public-ipv4', '2001:db8::1'], /--public-ipv4: "2001:db8::1" is an IPv6 address/],
    ['IPv4 given as IPv6', ['context', 'set-infra', 'server-1', '--public-ipv6', '203.0.113.9'], /--public-ipv6: "203.0.113.9" is an IPv4 address/],
    ['bad IPv4', ['context', 'set-infra', 'server-1', '--public-ipv4', '203.0.113'], /--public-ipv4: .*expected four numbers/],
    ['wildcard domain', ['context', 'set-infra', 'server-1', '--base-domain', '*.example.com'], /--base-domain: .*wildcard/],
    ['domain with scheme', ['context', 'set-infra', 'server-1', '--base-domain', 'https://example.com'], /--base-domain: .*not a domain name/],
    ['domain with double dot', ['context', 'set-infra', 'server-1', '--base-domain', 'example.com..'], /--base-domain/],
    ['bad email', ['context', 'set-infra', 'server-1', '--cert-email', 'admin-at-example.com'], /--cert-email: .*not an email address/],
    ['empty token from stdin', ['context', 'set-infra', 'server-1', '--cf-dns-token', '-'], /--cf-dns-token -: read an empty token[\s\S]*--cf-dns-token ""/, ''],
    ['token with space', ['context', 'set-infra', 'server-1', '--cf-dns-token', '-'], /--cf-dns-token: the token contains whitespace/, 'abc def'],
    ['port out of range', ['context', 'set-infra', 'server-1', '--tcp-ports', '25,70000'], /--tcp-ports: "70000" .*1 to 65535/],
    ['port list with junk', ['context', 'set-infra', 'server-1', '--udp-ports', '53;54'], /--udp-ports: "53;54"/],
    ['tcp port 443', ['context', 'set-infra', 'server-1', '--tcp-ports', '25,443'], /--tcp-ports: 443 is reserved/],
    ['http-port clash', ['context', 'set-infra', 'server-1', '--http-port', '8080', '--tcp-ports', '8080'], /--tcp-ports: 8080 is reserved for the HTTP entrypoint/],
    ['http = https', ['context', 'set-infra', 'server-1', '--http-port', '8443', '--https-port', '8443'], /--https-port: 8443 is also the HTTP port/],
    ['several at once', ['context', 'set-infra', 'server-1', '--public-ipv4', 'x', '--cert-email', 'y'], /--public-ipv4[\s\S]*--cert-email/],
    ['nothing to set', ['context', 'set-infra', 'server-1'], /Nothing to set/],
    ['unknown machine', ['context', 'set-infra', 'server-9', '--public-ipv4', '1.2.3.4'], /Machine "server-9" is not in context "default"[\s\S]*Known machines: server-1/],
    ['unknown context', ['--context', 'nope', 'context', 'show-infra', 'server-1'], /Context "nope" does not exist/],
    ['hostile machine name', ['context', 'set-infra', '$(id);x', '--public-ipv4', '1.2.3.4'], /machine name: "\$\(id\);x" is not a valid name/],
    ['bad machine name', ['context', 'add-machine', 'Server_1', '--ip', '1.2.3.4', '--user', 'root', '--no-scan'], /machine name: "Server_1" is not a valid name/],
    ['existing machine', ['context', 'add-machine', 'server-1', '--ip', '1.2.3.4', '--user', 'root', '--no-scan'], /already exists/],
    ['add-machine missing flags', ['context', 'add-machine', 'server-2', '--no-scan'], /--ip: is required[\s\S]*--user: is required/],
    ['add-machine bad values', ['context', 'add-machine', 'server-2', '--ip', 'a b', '--user', 'root;id', '--port', '0', '--datastore', 'rel/path', '--no-scan'], /--ip:[\s\S]*--user:[\s\S]*--port:[\s\S]*--datastore:/],
    ['add-machine bad host key', ['context', 'add-machine', 'server-2', '--ip', '1.2.3.4', '--user', 'root', '--host-key', 'not-a-key'], /--host-key: "not-a-key" is not a host key/],
    ['add-machine missing key file', ['context', 'add-machine', 'server-2', '--ip', '1.2.3.4', '--user', 'root', '--ssh-key', '/nonexistent/key', '--no-scan'], /--ssh-key: "\/nonexistent\/key" cannot be read as the SSH key \(ENOENT\)/],
    ['bad traefik image', ['context', 'set-infra', 'server-1', '--traefik-image', 'traefik:v3.7 --x'], /--traefik-image: .*not a Docker image/],
    ['bad context name', ['context', 'create', 'a/b'], /context name: "a\/b" is not a valid name/],
    ['bad acme challenge', ['context', 'set-infra', 'server-1', '--acme-challenge', 'alpn'], /--acme-challenge: "alpn" is not a challenge type; expected tls .*, http .* or dns/],
    ['acme ca over http', ['context', 'set-infra', 'server-1', '--acme-ca-server', 'http://ca.example.com/dir'], /--acme-ca-server: .*does not use https/],
    ['acme ca not a url', ['context', 'set-infra', 'server-1', '--acme-ca-server', 'ca.example.com'], /--acme-ca-server: .*is not a URL/],
    ['acme ca with password', ['context', 'set-infra', 'server-1', '--acme-ca-server', 'https://u:p@ca.example.com/dir'], /--acme-ca-server: .*user name or password/],
    ['acme root missing', ['context', 'set-infra', 'server-1', '--acme-ca-server', 'https://ca.example.com/dir', '--acme-ca-root', '/nonexistent/root.pem'], /--acme-ca-root: cannot read "\/nonexistent\/root.pem" \(ENOENT\)/],
    ['acme root not PEM', ['context', 'set-infra', 'server-1', '--acme-ca-server', 'https://ca.example.com/dir', '--acme-ca-root', join(dir, 'not-pem.txt')], /--acme-ca-root: the file holds no PEM certificate/],
    ['acme root is a private key', ['context', 'set-infra', 'server-1', '--acme-ca-server', 'https://ca.example.com/dir', '--acme-ca-root', join(dir, 'key.pem')], /--acme-ca-root: the file holds a private key/],
    ['acme root is a directory', ['context', 'set-infra', 'server-1', '--acme-ca-server', 'https://ca.example.com/dir', '--acme-ca-root', dir], /--acme-ca-root: .* is not a regular file/],
    ['acme root without a server', ['context', 'set-infra', 'server-1', '--acme-ca-root', '/usr/local/share/pebble/certs/pebble.minica.pem'], /--acme-ca-root: a CA root is only used for an ACME server of your own/],
    ['dns challenge without token', ['context', 'set-infra', 'server-1', '--cf-dns-token', '', '--acme-challenge', 'dns'], /--acme-challenge: dns \(DNS-01\) needs a Cloudflare token/],
    ['dns resolver a host name', ['context', 'set-infra', 'server-1', '--acme-dns-resolvers', '10.0.0.53,ns1.example.com'], /--acme-dns-resolvers: "ns1\.example\.com" is not an IP address/],
    ['dns resolvers without DNS-01', ['context', 'set-infra', 'server-1', '--acme-challenge', 'tls', '--acme-dns-resolvers', '10.0.0.53'], /--acme-dns-resolvers: DNS resolvers are only used by the DNS-01 challenge/],
  ];
  writeFileSync(join(dir, 'not-pem.txt'), 'hello\n');
  writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nMIIsecret\n-----END PRIVATE KEY-----\n');
  for (const [name, args, message, stdin] of cases) {
    test(name, async () => {
      const r = await rdc(args, stdin);
      assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
      assert.ok(!(r.stdout + r.stderr).includes(TOKEN), 'the stored token never appears');
      assert.equal(readFileSync(configPath, 'utf8'), before_, 'the config file is byte-identical');
    });
  }
});

describe('a hand-edited config file with bad values', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);

  test('is reported with the path of each bad value, exit 2, no stack trace', async () => {
    writeFileSync(configPath, `currentContext: default
contexts:
  default:
    machines:
      server-1:
        host: 203.0.113.50
        user: root
        infra:
          cfDnsApiToken: ${TOKEN}
          tcpPorts: [25, 143, "smtp"]
          httpPort: 0
`, { mode: 0o600 });
    const r = await rdc(['context', 'show-infra', 'server-1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /contexts\.default\.machines\.server-1\.infra\.tcpPorts\[2\]: "smtp" is not a port/);
    assert.match(r.stderr, /contexts\.default\.machines\.server-1\.infra\.httpPort: 0 is not a port/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    assert.ok(!r.stderr.includes(TOKEN));
    const before_ = readFileSync(configPath, 'utf8');
    assert.equal((await rdc(['context', 'set-infra', 'server-1', '--base-domain', 'example.com'])).code, 2);
    assert.equal(readFileSync(configPath, 'utf8'), before_, 'a write on a broken file changes nothing');
  });

  test('YAML syntax errors give a line and column', async () => {
    writeFileSync(configPath, 'contexts:\n  default: [unclosed\n');
    const r = await rdc(['context', 'list']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /line \d+, column \d+/);
  });

  test('an unreadable config file or an unwritable --output directory: a clear message, not a bug report', async () => {
    const { mkdirSync, writeFileSync: write } = await import('node:fs');
    mkdirSync(join(dir, 'as-dir.yaml'));
    const asDir = await cliWithConfig(join(dir, 'as-dir.yaml'), dir)(['context', 'list']);
    assert.equal(asDir.code, 1);
    assert.match(asDir.stderr, /is not a file/);
    assert.doesNotMatch(asDir.stderr, /bug/);
    write(configPath, 'contexts:\n  default:\n    machines:\n      m: { host: 10.0.0.1, user: root }\n');
    write(join(dir, 'blocker'), 'a file where a directory is needed');
    const out = await rdc(['context', 'push-infra', 'm', '--output', join(dir, 'blocker', 'tree')]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /--output: cannot write into .*blocker\/tree \((ENOTDIR|EEXIST)/);
  });

  test('unknown keys are warnings, not errors', async () => {
    writeFileSync(configPath, 'contexts:\n  default:\n    colour: blue\n');
    const r = await rdc(['context', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: .*contexts\.default\.colour: unknown key/);
  });
});
