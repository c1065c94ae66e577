import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * Field validators shared by the flag parser and the config-file parser, so that a value accepted
 * on the command line is exactly a value accepted in the file. Each returns the normalised value or
 * says what was expected; none of them echoes a secret.
 */
export type Check<T> = { ok: true; value: T } | { ok: false; expected: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = <T>(expected: string): Check<T> => ({ ok: false, expected });

/** How much of a user's value a message shows; a longer value is cut and its length given. */
const SHOW_MAX = 60;

/**
 * Shows a user's value inside a message without letting control characters through, and never
 * whole when it is long (a 100 KB value must not flood the terminal or a log).
 */
export function show(value: unknown): string {
  if (typeof value === 'string' && value.length > SHOW_MAX) return `${JSON.stringify(value.slice(0, SHOW_MAX))}… (${value.length} characters)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOW_MAX * 2 ? `${text.slice(0, SHOW_MAX * 2)}… (cut)` : text;
}

/**
 * The longest value each kind of input may have. Every string rdc stores is bounded, so that a
 * pasted file or a runaway script cannot land in the config, a unit file or an env file.
 */
export const MAX_LENGTH = {
  name: 63,
  host: 253,
  user: 32,
  domain: 253,
  email: 254,
  token: 1024,
  image: 512,
  path: 1024,
  hostKey: 8192,
  ip: 64,
  portList: 4096,
  zoneId: 64,
} as const;

/** The refusal for a value over its bound; the value itself is never echoed, only its length. */
export function tooLong(value: string, max: number, what: string): { ok: false; expected: string } | undefined {
  if (value.length <= max) return undefined;
  return { ok: false, expected: `is ${value.length} characters long; ${what} has at most ${max}` };
}

export function checkName(value: string): Check<string> {
  if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) return ok(value);
  return bad(`${show(value)} is not a valid name; use lower-case letters, digits and '-', starting with a letter or digit (at most 63 characters), e.g. server-1`);
}

/** Dotted-quad decimal only: Node's isIPv4 refuses `0177.0.0.1`, `2130706433`, `0x7f.1` and `127.1`. */
export function checkIPv4(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.ip, 'an IP address');
  if (long) return long;
  if (isIPv4(value)) return ok(value);
  if (isIPv6(value)) return bad(`${show(value)} is an IPv6 address; give it with --public-ipv6 (expected IPv4 like 203.0.113.50)`);
  return bad(`${show(value)} is not an IPv4 address; expected four numbers 0-255 separated by dots, e.g. 203.0.113.50`);
}

export function checkIPv6(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.ip, 'an IP address');
  if (long) return long;
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIPv6(bare)) return ok(bare.toLowerCase());
  if (isIPv4(bare)) return bad(`${show(value)} is an IPv4 address; give it with --public-ipv4 (expected IPv6 like 2001:db8::1)`);
  return bad(`${show(value)} is not an IPv6 address; expected e.g. 2001:db8::1`);
}

export function checkIP(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.ip, 'an IP address');
  if (long) return long;
  if (isIPv4(value)) return ok(value);
  return isIPv6(value) ? ok(value.toLowerCase()) : bad(`${show(value)} is not an IP address; expected e.g. 127.0.0.1 or ::1 (dotted-quad decimal for IPv4)`);
}

/** Address ranges no listener may use as its public or listen address (node's own CIDR matcher). */
const ranges = (list: [string, number, 'ipv4' | 'ipv6'][]) => {
  const b = new BlockList();
  for (const [net, prefix, family] of list) b.addSubnet(net, prefix, family);
  return b;
};
const MULTICAST = ranges([['224.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']]);
const RESERVED_V4 = ranges([['240.0.0.0', 4, 'ipv4'], ['0.0.0.0', 8, 'ipv4']]);
const LINK_LOCAL_V6 = ranges([['fe80::', 10, 'ipv6']]);
const MAPPED_V4 = ranges([['::ffff:0:0', 96, 'ipv6']]);

/** What kind of special address `ip` is (a validated IPv4 or IPv6), or undefined for an ordinary one. */
function specialAddress(ip: string): string | undefined {
  if (ip.includes('%')) return 'has a zone index (%…), which Traefik cannot bind; give a global address';
  const family = ip.includes(':') ? 'ipv6' : 'ipv4';
  if (ip === '0.0.0.0' || ip === '::') return 'is the unspecified address (every interface), not an address of this machine';
  if (ip === '255.255.255.255') return 'is the broadcast address';
  if (MULTICAST.check(ip, family)) return 'is a multicast address';
  if (family === 'ipv4' && RESERVED_V4.check(ip, 'ipv4')) return 'is in a reserved range (0.0.0.0/8 or 240.0.0.0/4)';
  if (family === 'ipv6' && LINK_LOCAL_V6.check(ip, 'ipv6')) return 'is link-local (fe80::/10): it exists only on one link and needs a zone index';
  if (family === 'ipv6' && MAPPED_V4.check(ip, 'ipv6')) return 'is an IPv4-mapped address; give the IPv4 address with --public-ipv4';
  return undefined;
}

/** The machine's public IPv4: `websecure` binds it and DNS points at it, so it must be a unicast address. */
export function checkPublicIPv4(value: string): Check<string> {
  const ip = checkIPv4(value);
  if (!ip.ok) return ip;
  const special = specialAddress(ip.value);
  return special ? bad(`${show(value)} ${special}; give the machine's public IPv4, e.g. 203.0.113.50 (leave --listen-address unset to listen everywhere)`) : ip;
}

export function checkPublicIPv6(value: string): Check<string> {
  const ip = checkIPv6(value);
  if (!ip.ok) return ip;
  const special = specialAddress(ip.value);
  return special ? bad(`${show(value)} ${special}; give the machine's public IPv6, e.g. 2001:db8::1`) : ip;
}

/** `--listen-address`: one address of this machine, or a wildcard (0.0.0.0 or ::); never multicast, broadcast or zoned. */
export function checkListenAddress(value: string): Check<string> {
  const ip = checkIP(value);
  if (!ip.ok || ip.value === '0.0.0.0' || ip.value === '::') return ip;
  const special = specialAddress(ip.value);
  return special ? bad(`${show(value)} ${special}; give an address of this machine (e.g. 10.0.0.5 or 127.0.0.1), or "" to listen on every interface`) : ip;
}

/**
 * A DNS name we can route and issue certificates for: lower-cased, IDN converted to punycode,
 * one trailing dot (the fully-qualified form) dropped, no wildcard, at least two labels.
 */
export function checkDomain(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.domain + 1, 'a domain name');
  if (long) return long;
  const expected = 'expected a domain name such as example.com (no scheme, no wildcard, no port)';
  if (value.includes('*')) return bad(`${show(value)} contains a wildcard; give the base domain itself (example.com), rdc adds *.example.com where needed`);
  if (/[:/\s@]/.test(value)) return bad(`${show(value)} is not a domain name; ${expected}`);
  const trimmed = value.endsWith('.') && !value.endsWith('..') ? value.slice(0, -1) : value;
  const ascii = domainToASCII(trimmed);
  if (!ascii || ascii.length > 253) return bad(`${show(value)} is not a valid domain name; ${expected}`);
  const labels = ascii.split('.');
  if (labels.length < 2) return bad(`${show(value)} has a single label; ${expected}`);
  const labelOk = (l: string) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l);
  if (!labels.every(labelOk)) return bad(`${show(value)} is not a valid domain name (empty label, or a label starting or ending with '-'); ${expected}`);
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return bad(`${show(value)} looks like an IP address, not a domain; ${expected}`);
  return ok(ascii);
}

/**
 * A hostname or IP address to SSH to. A name whose last label is a number (`127.1`, `2130706433`,
 * `0x7f.1`, `0177.0.0.1`) is an IPv4 address in a form resolvers read differently from people, so
 * only dotted-quad decimal is taken.
 */
export function checkHost(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.host, 'a host name');
  if (long) return long;
  if (isIPv4(value)) return ok(value);
  if (isIPv6(value)) return value.includes('%') ? bad(`${show(value)} has a zone index (%…); give a global IPv6 address or a host name`) : ok(value.toLowerCase());
  const last = value.split('.').pop() ?? '';
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/i.test(last)) return bad(`${show(value)} is not an IPv4 address in dotted-quad decimal (four numbers 0-255 without leading zeros, e.g. 203.0.113.50) nor a host name`);
  if (/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})$/.test(value) && !value.includes('..')) return ok(value);
  return bad(`${show(value)} is not an IP address or host name; expected e.g. 203.0.113.50 or server1.example.com`);
}

export function checkEmail(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.email, 'an email address');
  if (long) return long;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = checkDomain(value.slice(at + 1));
  if (at > 0 && /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/.test(local) && domain.ok) return ok(`${local}@${domain.value}`);
  return bad(`${show(value)} is not an email address; expected e.g. admin@example.com`);
}

/** A Cloudflare API token. The value is never shown in the message. */
export function checkToken(value: string): Check<string> {
  if (value.length === 0) return bad('the token is empty; pass the Cloudflare API token (Zone:DNS:Edit)');
  const long = tooLong(value, MAX_LENGTH.token, 'a token');
  if (long) return bad(`${long.expected}: this is not a Cloudflare API token (40 characters); pass the token alone`);
  if (/\s/.test(value)) return bad('the token contains whitespace (a stray space or newline from copy-paste?); pass the token alone');
  // Cloudflare tokens are URL-safe; anything else would need quoting in the server's env file.
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(value)) return bad('the token contains characters a Cloudflare API token never has (expected letters, digits and - _ . ~ + / =); pass the token alone');
  return ok(value);
}

export function checkPort(value: unknown): Check<number> {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) return ok(n);
  return bad(`${show(value)} is not a port; expected a whole number from 1 to 65535`);
}

/** A comma-separated port list (`25,143, 465`): an empty string clears it; duplicates are merged. */
export function checkPortList(value: string): Check<number[]> {
  const long = tooLong(value, MAX_LENGTH.portList, 'a port list');
  if (long) return long;
  if (value.trim() === '') return ok([]);
  const ports: number[] = [];
  for (const item of value.split(',')) {
    const port = checkPort(item.trim());
    if (!port.ok) return bad(`${show(item.trim())} in ${show(value)} is not a port; expected comma-separated whole numbers from 1 to 65535, e.g. 25,143,993`);
    ports.push(port.value);
  }
  return ok(uniqueSorted(ports));
}

export function uniqueSorted(ports: number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * An absolute POSIX path without `..`, whitespace, control characters, `"` or `\`. These paths reach
 * shell commands (quoted by shellQuote), JSON and systemd units, where the renderers escape `%` and
 * `$`; a quote or a backslash cannot be written into a systemd path list (ReadWritePaths=) at all.
 */
export function checkAbsolutePath(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.path, 'a path');
  if (long) return long;
  if (!value.startsWith('/')) return bad(`${show(value)} is not an absolute path; expected e.g. /mnt/rediacc`);
  if (/[\s\x00-\x1f\x7f"\\]/.test(value) || value.split('/').includes('..')) {
    return bad(`${show(value)} contains whitespace, a control character, a double quote, a backslash or '..', which a server path (and a systemd unit) cannot carry; expected a plain absolute path`);
  }
  return ok(value.length > 1 ? value.replace(/\/+$/, '') : value);
}

/** System directories a datastore must never be (repos/ and mounts/ would be created, and deleted, in them). */
const SYSTEM_DIRS = ['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/lib', '/var/run', '/var/tmp', '/var/log'];
/** Trees no datastore may live in: the kernel's, devices, the system's programs and settings. */
const SYSTEM_TREES = ['/proc', '/sys', '/dev', '/etc', '/boot', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/usr', '/run', '/var/run'];

/** `--datastore`: an absolute path that is not a system directory (`/`, `/etc`, `/var`…) nor inside /proc, /etc, /usr…. */
export function checkDatastore(value: string): Check<string> {
  const path = checkAbsolutePath(value);
  if (!path.ok) return path;
  const p = path.value.replace(/\/{2,}/g, '/').replace(/\/\.(?=\/|$)/g, '') || '/';
  if (SYSTEM_DIRS.includes(p) || SYSTEM_TREES.some((t) => p.startsWith(`${t}/`))) {
    return bad(`${show(value)} is a system directory; the datastore holds repos/ and mounts/ that rdc creates and deletes: give a directory of its own, e.g. /mnt/rediacc`);
  }
  return ok(p);
}

export function checkUser(value: string): Check<string> {
  if (/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) return ok(value);
  return bad(`${show(value)} is not a valid user name; expected lower-case letters, digits, '_' or '-', e.g. root or deploy`);
}

/** A Docker image reference such as traefik:v3.7 or registry.example.com:5000/traefik@sha256:… */
export function checkImage(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.image, 'a Docker image reference');
  if (long) return long;
  const re = /^(?:[a-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
  if (re.test(value)) return ok(value);
  return bad(`${show(value)} is not a Docker image reference; expected e.g. traefik:v3.7`);
}

export function checkGuid(value: string): Check<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) return ok(value);
  return bad(`${show(value)} is not a GUID; expected e.g. 0b0f6c1e-5b8a-4d7e-9d63-0c9d7d1c2a10`);
}

/** The kinds of volume a repo can live on (SYSTEM.md §4); only `luks` is encrypted. */
export const VOLUME_KINDS = ['luks', 'image', 'directory'] as const;
export type VolumeKind = (typeof VOLUME_KINDS)[number];

export function checkVolumeKind(value: string): Check<VolumeKind> {
  return (VOLUME_KINDS as readonly string[]).includes(value) ? ok(value as VolumeKind) : bad(`expected one of ${VOLUME_KINDS.join(', ')}, got ${show(value)}`);
}

/** Network IDs are 2816 + 64·n (SYSTEM.md §4). */
export function checkNetworkId(value: unknown): Check<number> {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 2816 && (value - 2816) % 64 === 0 && value < 2 ** 24) return ok(value);
  return bad(`${show(value)} is not a network ID; expected 2816 + 64·n, e.g. 2816, 2880, 2944`);
}
