import { isIP } from 'node:net';
import { command, type RemoteCommand } from '../command.js';

/**
 * The server's primary address: the source address of its default route, as the kernel picks it
 * for a packet to the internet. `ip route get` only looks the route up; nothing is sent. IPv4
 * first, IPv6 when the server has no IPv4 default route.
 */
export function primaryAddressCommand(): RemoteCommand {
  const script = 'ip -o -4 route get 1.1.1.1 2>/dev/null || ip -o -6 route get 2606:4700:4700::1111 2>/dev/null || { command -v ip >/dev/null || echo "no-ip-command"; }';
  return command("find the server's primary address", ['sh', '-c', script]);
}

/** `1.1.1.1 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0` → `10.0.0.5`; a reason when there is none. */
export function parsePrimaryAddress(stdout: string): { address: string } | { problem: string } {
  if (stdout.includes('no-ip-command')) return { problem: 'the server has no `ip` command (Debian package iproute2)' };
  const src = /\bsrc\s+(\S+)/.exec(stdout)?.[1];
  if (!src) return { problem: 'the server has no default route' };
  if (!isIP(src)) return { problem: `the server reported ${JSON.stringify(src)} as its source address, which is not an IP address` };
  return { address: src };
}
