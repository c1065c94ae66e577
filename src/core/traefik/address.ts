import { isIPv4, isIPv6 } from 'node:net';

/** An entrypoint address `[host]:port[/tcp|/udp]` taken apart. */
export interface ListenAddress {
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** Empty host, 0.0.0.0 and [::] all open one dual-stack socket on Linux. */
  wildcard: boolean;
}

export function parseListenAddress(address: string): ListenAddress | string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:/[\]]*):([0-9]{1,5})(?:\/([A-Za-z]+))?$/.exec(address);
  if (!m) return `"${address}" is not [host]:port[/tcp|/udp]`;
  const [, rawHost = '', rawPort = '', rawProto] = m;
  const port = Number(rawPort);
  if (port < 1 || port > 65535) return `port ${rawPort} in "${address}" is out of range 1-65535`;
  const protocol = (rawProto ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') return `protocol "${rawProto}" in "${address}" must be tcp or udp`;
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  if (rawHost.startsWith('[') && !isIPv6(host)) return `"${host}" in "${address}" is not an IPv6 address`;
  if (!rawHost.startsWith('[') && host && !isIPv4(host) && !/^[A-Za-z0-9.-]+$/.test(host)) return `"${host}" in "${address}" is not a host`;
  return { host, port, protocol, wildcard: host === '' || host === '0.0.0.0' || host === '::' };
}

/**
 * Pairs of entrypoints that cannot both bind: the same socket twice, or a wildcard together with
 * anything else on the same port and protocol (dual-stack sockets, traefik-v3-notes.md §1.1).
 */
export function findBindClashes(entries: [name: string, address: ListenAddress][]): string[] {
  const problems: string[] = [];
  const byPort = new Map<string, [string, ListenAddress][]>();
  for (const entry of entries) {
    const key = `${entry[1].protocol}/${entry[1].port}`;
    byPort.set(key, [...(byPort.get(key) ?? []), entry]);
  }
  for (const [key, group] of byPort) {
    if (group.length < 2) continue;
    const wildcard = group.find(([, a]) => a.wildcard);
    const hosts = new Set(group.map(([, a]) => a.host.toLowerCase()));
    if (wildcard || hosts.size < group.length) {
      problems.push(`entrypoints ${group.map(([n]) => n).join(', ')} all bind ${key}${wildcard ? ` and ${wildcard[0]} binds every address` : ' on the same address'}; the second bind fails`);
    }
  }
  return problems;
}
