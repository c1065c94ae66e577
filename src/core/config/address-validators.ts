import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { FIRST_NETWORK_ID } from '../infra/network.js';
import { bad, MAX_LENGTH, ok, show, tooLong, type Check } from './check.js';

/** IP address and host checks (re-exported by validators.ts, where every field check is found). */

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
  if (isIPv6(bare)) return ok(canonicalIPv6(bare));
  if (isIPv4(bare)) return bad(`${show(value)} is an IPv4 address; give it with --public-ipv4 (expected IPv6 like 2001:db8::1)`);
  return bad(`${show(value)} is not an IPv6 address; expected e.g. 2001:db8::1`);
}

export function checkIP(value: string): Check<string> {
  const long = tooLong(value, MAX_LENGTH.ip, 'an IP address');
  if (long) return long;
  if (isIPv4(value)) return ok(value);
  return isIPv6(value) ? ok(canonicalIPv6(value)) : bad(`${show(value)} is not an IP address; expected e.g. 127.0.0.1 or ::1 (dotted-quad decimal for IPv4)`);
}

/**
 * RFC 5952's form (`0:0::0` → `::`, `2001:DB8:0:0::1` → `2001:db8::1`), by the WHATWG URL parser,
 * so that equal addresses compare equal. A zoned address (`fe80::1%eth0`) is kept as given: the
 * listener checks refuse it with its own message.
 */
function canonicalIPv6(ip: string): string {
  if (ip.includes('%')) return ip.toLowerCase();
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
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
/** IPv4-compatible IPv6 (`::1.2.3.4`, deprecated by RFC 4291): no interface has one, so no listener can bind it. */
const COMPAT_V4 = ranges([['::', 96, 'ipv6']]);

/**
 * 127.0.11.0 and up is the repos' loopback space (network ID 2816 + 64·n owns a /26 there, see
 * network.ts): a listener on such an address would take a repo's own ports (its db on :5432) and
 * answer the traffic other repos send to that repo.
 */
function inRepoLoopback(ip: string): boolean {
  const m = /^127\.([0-9]+)\.([0-9]+)\.([0-9]+)$/.exec(ip);
  return Boolean(m && (Number(m[1]) << 16) + (Number(m[2]) << 8) + Number(m[3]) >= FIRST_NETWORK_ID);
}

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
  if (family === 'ipv6' && ip !== '::1' && COMPAT_V4.check(ip, 'ipv6')) return 'is an IPv4-compatible IPv6 address (deprecated; no interface has one)';
  if (family === 'ipv4' && inRepoLoopback(ip)) return 'is in the repos\' loopback space (127.0.11.0 and up: each repo\'s services listen there)';
  return undefined;
}

/** The machine's public IPv4: `websecure` binds it and DNS points at it, so it must be a unicast address. */
export function checkPublicIPv4(value: string): Check<string> {
  const ip = checkIPv4(value);
  if (!ip.ok) return ip;
  const special = specialAddress(ip.value);
  return special ? bad(`${show(value)} ${special}; give the machine's public IPv4, e.g. 203.0.113.50`) : ip;
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
  return special ? bad(`${show(value)} ${special}; give an address of this machine (e.g. 10.0.0.5 or 127.0.0.1), or 0.0.0.0 to listen on every interface`) : ip;
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
  if (isIPv6(value)) return value.includes('%') ? bad(`${show(value)} has a zone index (%…); give a global IPv6 address or a host name`) : ok(canonicalIPv6(value));
  // The last label before a root dot: `127.1.` and `2130706433.` are the same numeric forms.
  const last = value.replace(/\.$/, '').split('.').pop() ?? '';
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/i.test(last)) return bad(`${show(value)} is not an IPv4 address in dotted-quad decimal (four numbers 0-255 without leading zeros, no trailing dot, e.g. 203.0.113.50) nor a host name`);
  if (/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})$/.test(value) && !value.includes('..')) return ok(value);
  return bad(`${show(value)} is not an IP address or host name; expected e.g. 203.0.113.50 or server1.example.com`);
}

