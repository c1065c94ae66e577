import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cliWithConfig, type CliResult } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'storedTokenNeverShown0123456789';
const HUGE = 'z'.repeat(100_000);

/** A refusal: exit 2, no stack trace, no bug report, the stored secret and any huge value never printed whole. */
function assertRefused(r: CliResult, message: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr.slice(0, 2000)})`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /at [^\n]*\.js:\d+|bug in rdc|unexpected error/, 'no stack trace, no bug report');
  assert.ok(!(r.stdout + r.stderr).includes(TOKEN), 'the stored token never appears');
  assert.ok(r.stderr.length < 3000, `the message is short (${r.stderr.length} characters): a huge value is never echoed whole`);
}

/** Hostile values of every class in issue 14's "inputs" list: refused, the file byte-identical. */
describe('hostile inputs are refused with exit 2 and the config file byte-identical', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);
  let original = '';
  const keys = join(dir, 'keys');
  const file = join(dir, 'a-file.txt');

  before(async () => {
    mkdirSync(keys);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@laptop', '-f', join(keys, 'id_ed25519')]);
    writeFileSync(file, 'not a directory\n');
    assert.equal((await rdc(['context', 'add-machine', 'server-1', '--ip', '203.0.113.50', '--user', 'root', '--no-scan'])).code, 0);
    assert.equal((await rdc(['context', 'set-infra', 'server-1', '--public-ipv4', '203.0.113.50', '--cf-dns-token', '-'], TOKEN)).code, 0);
    original = readFileSync(configPath, 'utf8');
  });

  const addMachine = (...flags: string[]) => ['context', 'add-machine', 'server-2', '--ip', '203.0.113.60', '--user', 'root', '--no-scan', ...flags];
  const setInfra = (...flags: string[]) => ['context', 'set-infra', 'server-1', ...flags];
  const cases: [string, string[], RegExp, string?][] = [
    // Listeners that cannot all bind, or are no address of the machine.
    ['IPv6 unspecified with an IPv4', setInfra('--public-ipv6', '::'), /--public-ipv6: "::" is the unspecified address.*give the machine's public IPv6/],
    ['0.0.0.0 with ::', setInfra('--public-ipv4', '0.0.0.0', '--public-ipv6', '::'), /--public-ipv4: "0\.0\.0\.0" is the unspecified address[\s\S]*--public-ipv6: "::"/],
    ['link-local with a zone', setInfra('--public-ipv6', 'fe80::1%eth0'), /--public-ipv6: "fe80::1%eth0" has a zone index/],
    ['link-local listen address', setInfra('--listen-address', 'fe80::1%eth0'), /--listen-address: .*zone index/],
    ['multicast public IPv4', setInfra('--public-ipv4', '224.0.0.251'), /--public-ipv4: "224\.0\.0\.251" is a multicast address/],
    ['broadcast public IPv4', setInfra('--public-ipv4', '255.255.255.255'), /--public-ipv4: .*broadcast/],
    ['multicast listen address', setInfra('--listen-address', 'ff02::1'), /--listen-address: .*multicast/],
    ['tcp port 22', setInfra('--tcp-ports', '25,22'), /--tcp-ports: 22 is reserved for SSH.*remove it/],
    ['http port 22', setInfra('--http-port', '22'), /--http-port: 22 is reserved for SSH.*pick another port/],
    ['https port 22', setInfra('--https-port', '22'), /--https-port: 22 is reserved for SSH/],
    // Huge values: bounded, never echoed whole.
    ['a 100 KB token on stdin', setInfra('--cf-dns-token', '-'), /--cf-dns-token: standard input holds more than 64 KiB/, HUGE],
    ['a 10 KB token on stdin', setInfra('--cf-dns-token', '-'), /--cf-dns-token: is 10000 characters long; a token has at most 1024/, 'y'.repeat(10_000)],
    ['a 100 KB image', setInfra('--traefik-image', HUGE), /--traefik-image: is 100000 characters long/],
    ['a 100 KB domain', setInfra('--base-domain', HUGE), /--base-domain: is 100000 characters long/],
    ['a 100 KB port list', setInfra('--tcp-ports', HUGE), /--tcp-ports: is 100000 characters long/],
    ['a 100 KB machine name', ['context', 'set-infra', HUGE, '--http-port', '8080'], /machine name: "z{60}"… \(100000 characters\) is not a valid name/],
    ['a token from /dev/zero', setInfra('--cf-dns-token', '@/dev/zero'), /--cf-dns-token: "\/dev\/zero" is not a regular file/],
    ['a token from a directory', setInfra('--cf-dns-token', `@${keys}`), /--cf-dns-token: .* is not a regular file/],
    // --ssh-key must be a private key file.
    ['ssh key: a directory', addMachine('--ssh-key', keys), /--ssh-key: ".*keys" is a directory, not an SSH private key file/],
    ['ssh key: /etc/passwd', addMachine('--ssh-key', '/etc/passwd'), /--ssh-key: "\/etc\/passwd" is not an SSH private key/],
    ['ssh key: /dev/zero', addMachine('--ssh-key', '/dev/zero'), /--ssh-key: "\/dev\/zero" is not a regular file/],
    ['ssh key: the public half', addMachine('--ssh-key', join(keys, 'id_ed25519.pub')), /--ssh-key: .* is a public key; give the private key/],
    ['ssh key: empty', addMachine('--ssh-key', ''), /--ssh-key: the path is empty/],
    // IPv4 in dotted-quad decimal only.
    ['octal IPv4', addMachine().map((a) => (a === '203.0.113.60' ? '0177.0.0.1' : a)), /--ip: "0177\.0\.0\.1" is not an IPv4 address in dotted-quad decimal/],
    ['integer IPv4', addMachine().map((a) => (a === '203.0.113.60' ? '2130706433' : a)), /--ip: "2130706433" is not an IPv4 address in dotted-quad decimal/],
    ['hex IPv4', addMachine().map((a) => (a === '203.0.113.60' ? '0x7f.1' : a)), /--ip: "0x7f\.1"/],
    ['short IPv4', addMachine().map((a) => (a === '203.0.113.60' ? '127.1' : a)), /--ip: "127\.1"/],
    ['listen address in octal', setInfra('--listen-address', '0177.0.0.1'), /--listen-address: .*dotted-quad/],
    // System directories and unrepresentable paths.
    ['datastore /', addMachine('--datastore', '/'), /--datastore: "\/" is a system directory.*e\.g\. \/mnt\/rediacc/],
    ['datastore /etc', addMachine('--datastore', '/etc'), /--datastore: "\/etc" is a system directory/],
    ['datastore /usr/lib/x', addMachine('--datastore', '/usr/lib/x'), /--datastore: .* is a system directory/],
    ['datastore /proc', addMachine('--datastore', '/proc'), /--datastore: .* is a system directory/],
    ['datastore /var', addMachine('--datastore', '/var'), /--datastore: .* is a system directory/],
    ['root prefix with a quote', addMachine('--root-prefix', '/srv/a"b'), /--root-prefix: .*a double quote, a backslash .*cannot carry/],
    ['root prefix with a space', addMachine('--root-prefix', '/srv/a b'), /--root-prefix: .*cannot carry/],
    ['root prefix with a backslash', addMachine('--root-prefix', '/srv/a\\b'), /--root-prefix: .*cannot carry/],
    // Host keys are parsed, not pattern-matched.
    ['a 3-byte host key', addMachine('--host-key', 'ssh-ed25519 AAAA'), /--host-key: "ssh-ed25519 AAAA" is not a host key: the ssh-ed25519 key is truncated/],
    ['a host key of another type than it says', addMachine('--host-key', `ssh-rsa ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]).toString('base64')}`), /--host-key: .*holds a "ssh-ed25519" key, not ssh-rsa/],
    ['a host key of an unknown type', addMachine('--host-key', 'ssh-foo AAAAB3NzaC1yc2E='), /--host-key: .*names no known host key type/],
    // repo create --path must be an existing directory, checked before anything is created.
    ['repo create --path missing', ['repo', 'create', 'app', '-m', 'server-1', '--path', join(dir, 'missing')], /--path: ".*missing" does not exist or cannot be read \(ENOENT\)/],
    ['repo create --path a file', ['repo', 'create', 'app', '-m', 'server-1', '--path', file], /--path: ".*a-file\.txt" is not a directory/],
    ['repo create --path empty', ['repo', 'create', 'app', '-m', 'server-1', '--path', ''], /--path: the path is empty/],
    // Names that are Object.prototype members are ordinary names.
    ['remove a machine named constructor that does not exist', ['context', 'remove-machine', 'constructor'], /Machine "constructor" is not in context "default"/],
    ['set-infra on valueof', ['context', 'set-infra', 'valueof', '--http-port', '8080'], /Machine "valueof" is not in context/],
    ['use a context named constructor that does not exist', ['context', 'use', 'constructor'], /Context "constructor" does not exist/],
    ['a repo named hasownproperty that does not exist', ['repo', 'status', 'hasownproperty'], /Repo "hasownproperty" is not in context "default"/],
    ['a context named __proto__', ['context', 'create', '__proto__'], /context name: "__proto__" is not a valid name/],
    ['a 100 KB unknown option', ['context', 'list', `--${HUGE}`], /unknown option '--z+… \(cut: \d+ characters\)/],
    ['a 100 KB unknown command', ['context', HUGE], /unknown command 'z+… \(cut: \d+ characters\)/],
  ];
  for (const [name, args, message, stdin] of cases) {
    test(name, async () => {
      assertRefused(await rdc(args, stdin), message);
      assert.equal(readFileSync(configPath, 'utf8'), original, 'the config file is byte-identical');
    });
  }

  test('a .pub line with its comment pins the key without the comment', async () => {
    const pub = readFileSync(join(keys, 'id_ed25519.pub'), 'utf8').trim();
    assert.match(pub, / me@laptop$/);
    const r = await rdc(['context', 'add-machine', 'server-3', '--ip', '203.0.113.61', '--user', 'root', '--host-key', pub, '--ssh-key', join(keys, 'id_ed25519')]);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(configPath, 'utf8');
    assert.ok(text.includes(pub.split(' ').slice(0, 2).join(' ')), 'the key is pinned');
    assert.ok(!text.includes('me@laptop'), 'the comment is dropped');
    assert.equal((await rdc(['context', 'remove-machine', 'server-3'])).code, 0);
  });
});

describe('names that are Object.prototype members work in every command', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);

  test('a context, machine and repo named constructor', async () => {
    const ok = async (args: string[]) => {
      const r = await rdc(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    await ok(['context', 'create', 'constructor']);
    await ok(['context', 'use', 'constructor']);
    await ok(['context', 'add-machine', 'constructor', '--ip', '203.0.113.70', '--user', 'root', '--no-scan']);
    await ok(['context', 'set-infra', 'constructor', '--base-domain', 'example.com']);
    assert.match((await ok(['context', 'show-infra', 'constructor'])).stdout, /example\.com/);
    assert.match((await ok(['context', 'machines'])).stdout, /constructor/);
    assert.match((await ok(['context', 'show'])).stdout, /Context constructor \(current\)/);
    assert.match((await ok(['context', 'list'])).stdout, /\* +constructor/);
    await ok(['context', 'remove-machine', 'constructor']);
    const again = await rdc(['context', 'remove-machine', 'constructor']);
    assert.equal(again.code, 2, 'removing it twice is not a success');
    assert.match(again.stderr, /Machine "constructor" is not in context "constructor"/);
    await ok(['context', 'delete', 'constructor']);
    assert.equal((await rdc(['context', 'delete', 'constructor'])).code, 2);
  });
});

describe('set-infra --cf-dns-token ""', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);

  test('removes the stored token, as the help says, without an argv warning', async () => {
    assert.equal((await rdc(['context', 'add-machine', 's1', '--ip', '203.0.113.50', '--user', 'root', '--no-scan'])).code, 0);
    assert.equal((await rdc(['context', 'set-infra', 's1', '--cf-dns-token', '-'], TOKEN)).code, 0);
    assert.ok(readFileSync(configPath, 'utf8').includes(TOKEN));
    const r = await rdc(['context', 'set-infra', 's1', '--cf-dns-token', '']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /command line/);
    assert.match(r.stdout, /updated: cfDnsApiToken/);
    assert.ok(!readFileSync(configPath, 'utf8').includes(TOKEN));
  });
});

describe('hostile config files', () => {
  const dir = tempDir();
  const configPath = join(dir, 'config.yaml');
  const rdc = cliWithConfig(configPath, dir);

  test('a YAML alias bomb: exit 2 with a clear message, file untouched', async () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    writeFileSync(configPath, bomb);
    assertRefused(await rdc(['context', 'list']), /aliases \(\*name\) expand to too much data/);
    assertRefused(await rdc(['context', 'add-machine', 'm', '--ip', '203.0.113.50', '--user', 'root', '--no-scan']), /too much data/);
    assert.equal(readFileSync(configPath, 'utf8'), bomb);
  });

  test('RDC_CONFIG pointing at a file that is no config: its content is never printed', async () => {
    const key = readFileSync(join(tempKey(dir), 'id'), 'utf8');
    const body = key.split('\n')[1] ?? '';
    for (const content of [key, body, `just some secret text ${body}`]) {
      writeFileSync(configPath, content);
      const r = await rdc(['context', 'list']);
      assertRefused(r, /config file .* has a problem/);
      assert.ok(!r.stderr.includes(body.slice(0, 16)), `no content in: ${r.stderr}`);
      assert.equal(readFileSync(configPath, 'utf8'), content);
    }
  });

  test('a config file over 64 MiB is not read', async () => {
    const { truncateSync } = await import('node:fs');
    writeFileSync(configPath, 'contexts: {}\n');
    truncateSync(configPath, 65 * 2 ** 20);
    assertRefused(await rdc(['context', 'list']), /\(file\): is 65 MiB, more than an rdc config ever holds/);
  });

  test('another program\'s YAML file (a compose file) is refused and never written into', async () => {
    const compose = 'services:\n  web:\n    image: nginx\n';
    writeFileSync(configPath, compose);
    assertRefused(await rdc(['context', 'add-machine', 'm', '--ip', '203.0.113.50', '--user', 'root', '--no-scan']), /\(top level\): the file has none of the keys of an rdc config/);
    assert.equal(readFileSync(configPath, 'utf8'), compose);
  });

  test('a 100 KB bad value in the file is reported cut, with its path', async () => {
    writeFileSync(configPath, `contexts:\n  default:\n    machines:\n      m:\n        host: 203.0.113.50\n        user: root\n        infra:\n          traefikImage: "${'Q'.repeat(100_000)}"\n`);
    assertRefused(await rdc(['context', 'show-infra', 'm']), /contexts\.default\.machines\.m\.infra\.traefikImage: is 100000 characters long/);
  });

  test('comments and unknown keys of a hand-edited file survive a write', async () => {
    const text = '# my notes: staging box\ncontexts:\n  default:\n    machines:\n      m:\n        host: 203.0.113.50  # behind the NAT\n        user: root\n        x-owner: ops\n';
    writeFileSync(configPath, text);
    const r = await rdc(['context', 'set-infra', 'm', '--base-domain', 'example.com']);
    assert.equal(r.code, 0, r.stderr);
    const after = readFileSync(configPath, 'utf8');
    for (const kept of ['# my notes: staging box', '# behind the NAT', 'x-owner: ops']) assert.ok(after.includes(kept), `keeps ${kept}:\n${after}`);
    assert.match(after, /baseDomain: example\.com/);
  });
});

function tempKey(dir: string): string {
  const keyDir = join(dir, 'k');
  mkdirSync(keyDir, { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keyDir, 'id')]);
  return keyDir;
}
