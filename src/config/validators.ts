import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * Field validators shared by the flag parser and the config-file parser, so that a value accepted
 * on the command line is exactly a value accepted in the file. Each returns the normalised value or
 * says what was expected; none of them echoes a secret.
 */
export type Check<T> = { ok: true; value: T } | { ok: false; expected: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = <T>(expected: string): Check<T> => ({ ok: false, expected });

/** Shows a user's value inside a message without letting control characters through. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

export function checkName(value: string): Check<string> {
  if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) return ok(value);
  return bad(`${show(value)} is not a valid name; use lower-case letters, digits and '-', starting with a letter or digit (at most 63 characters), e.g. server-1`);
}

export function checkIPv4(value: string): Check<string> {
  if (isIPv4(value)) return ok(value);
  if (isIPv6(value)) return bad(`${show(value)} is an IPv6 address; give it with --public-ipv6 (expected IPv4 like 203.0.113.50)`);
  return bad(`${show(value)} is not an IPv4 address; expected four numbers 0-255 separated by dots, e.g. 203.0.113.50`);
}

export function checkIPv6(value: string): Check<string> {
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIPv6(bare)) return ok(bare.toLowerCase());
  if (isIPv4(bare)) return bad(`${show(value)} is an IPv4 address; give it with --public-ipv4 (expected IPv6 like 2001:db8::1)`);
  return bad(`${show(value)} is not an IPv6 address; expected e.g. 2001:db8::1`);
}

export function checkIP(value: string): Check<string> {
  if (isIPv4(value)) return ok(value);
  return isIPv6(value) ? ok(value.toLowerCase()) : bad(`${show(value)} is not an IP address; expected e.g. 127.0.0.1 or ::1`);
}

/**
 * A DNS name we can route and issue certificates for: lower-cased, IDN converted to punycode,
 * one trailing dot (the fully-qualified form) dropped, no wildcard, at least two labels.
 */
export function checkDomain(value: string): Check<string> {
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

/** A hostname or IP address to SSH to. */
export function checkHost(value: string): Check<string> {
  if (isIPv4(value) || isIPv6(value)) return ok(value);
  if (/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})$/.test(value) && !value.includes('..')) return ok(value);
  return bad(`${show(value)} is not an IP address or host name; expected e.g. 203.0.113.50 or server1.example.com`);
}

export function checkEmail(value: string): Check<string> {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = checkDomain(value.slice(at + 1));
  if (at > 0 && /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/.test(local) && domain.ok) return ok(`${local}@${domain.value}`);
  return bad(`${show(value)} is not an email address; expected e.g. admin@example.com`);
}

/** A Cloudflare API token. The value is never shown in the message. */
export function checkToken(value: string): Check<string> {
  if (value.length === 0) return bad('the token is empty; pass the Cloudflare API token (Zone:DNS:Edit)');
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

/** An absolute POSIX path without `..`, whitespace or control characters. */
export function checkAbsolutePath(value: string): Check<string> {
  if (!value.startsWith('/')) return bad(`${show(value)} is not an absolute path; expected e.g. /mnt/rediacc`);
  if (/[\s\x00-\x1f\x7f]/.test(value) || value.split('/').includes('..')) return bad(`${show(value)} contains whitespace, control characters or '..'; expected a plain absolute path`);
  return ok(value.length > 1 ? value.replace(/\/+$/, '') : value);
}

export function checkUser(value: string): Check<string> {
  if (/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) return ok(value);
  return bad(`${show(value)} is not a valid user name; expected lower-case letters, digits, '_' or '-', e.g. root or deploy`);
}

/** A Docker image reference such as traefik:v3.7 or registry.example.com:5000/traefik@sha256:… */
export function checkImage(value: string): Check<string> {
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
