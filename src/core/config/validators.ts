// Field validators shared by the flag parser and the config-file parser, so that a value accepted
// on the command line is exactly a value accepted in the file. Each returns the normalised value or
// says what was expected; none of them echoes a secret. Address checks live in address-validators.ts.
import { domainToASCII } from 'node:url';
import { bad, MAX_LENGTH, ok, show, tooLong, type Check } from './check.js';

export * from './address-validators.js';
export { MAX_LENGTH, show, tooLong, type Check } from './check.js';

export function checkName(value: string): Check<string> {
  if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) return ok(value);
  return bad(`${show(value)} is not a valid name; use lower-case letters, digits and '-', starting with a letter or digit (at most 63 characters), e.g. server-1`);
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
