import type { Problem } from '../errors.js';
import { emptyInfra, type Infra } from '../config/model.js';
import * as v from '../config/validators.js';
import { findBindClashes, parseListenAddress, type ListenAddress } from '../traefik/address.js';
import { Secret } from '../util/secret.js';
import { checkAcmeChallenge, checkCaRootPem, checkCaServer, checkDnsResolverList } from '../config/acme-validators.js';
import { acmeChallenge } from '../config/model.js';
import { entryPoints } from './entrypoints.js';
import { checkInfraPorts, type FieldLocator } from './ports.js';

/** set-infra's flags as typed by the user; undefined means "leave as is", "" means "clear". */
export interface InfraFlags {
  publicIpv4?: string;
  publicIpv6?: string;
  baseDomain?: string;
  certEmail?: string;
  cfDnsToken?: string;
  tcpPorts?: string;
  udpPorts?: string;
  httpPort?: string;
  httpsPort?: string;
  listenAddress?: string;
  traefikImage?: string;
  routeServerPort?: string;
  apiPort?: string;
  acmeChallenge?: string;
  acmeCaServer?: string;
  /** The PEM content of --acme-ca-root's file (the service reads the file). */
  acmeCaRoot?: string;
  /** Comma-separated `ip[:port]` list. */
  acmeDnsResolvers?: string;
}

const FLAG_OF: Record<keyof Infra, string> = {
  publicIPv4: '--public-ipv4',
  publicIPv6: '--public-ipv6',
  baseDomain: '--base-domain',
  certEmail: '--cert-email',
  cfDnsApiToken: '--cf-dns-token',
  tcpPorts: '--tcp-ports',
  udpPorts: '--udp-ports',
  httpPort: '--http-port',
  httpsPort: '--https-port',
  listenAddress: '--listen-address',
  traefikImage: '--traefik-image',
  routeServerPort: '--route-server-port',
  apiPort: '--api-port',
  acmeChallenge: '--acme-challenge',
  acmeCaServer: '--acme-ca-server',
  acmeCaRoot: '--acme-ca-root',
  acmeDnsResolvers: '--acme-dns-resolvers',
};

export interface InfraChange {
  infra: Infra;
  problems: Problem[];
  /** Names of the fields whose value changed, for the summary line. */
  changed: (keyof Infra)[];
}

/**
 * Applies set-infra's flags to the stored settings. Pure: every flag is checked, every problem is
 * returned (with the flag's name), and the caller writes nothing unless `problems` is empty.
 */
export function applyInfraFlags(current: Infra, flags: InfraFlags): InfraChange {
  const problems: Problem[] = [];
  const next: Infra = { ...current };

  const cleared = emptyInfra();
  const fields = next as unknown as Record<string, unknown>;
  const take = (field: keyof Infra, raw: string | undefined, check: (s: string) => v.Check<unknown>) => {
    if (raw === undefined) return;
    // An empty value puts the field back to its default ("--public-ipv6 ''" removes IPv6).
    if (raw === '') fields[field] = cleared[field];
    else {
      const result = check(raw);
      if (result.ok) fields[field] = result.value;
      else problems.push({ where: FLAG_OF[field], message: result.expected });
    }
  };

  take('publicIPv4', flags.publicIpv4, v.checkPublicIPv4);
  take('publicIPv6', flags.publicIpv6, v.checkPublicIPv6);
  take('baseDomain', flags.baseDomain, v.checkDomain);
  take('certEmail', flags.certEmail, v.checkEmail);
  // The token is a Secret, not a string: "" removes it like any other setting.
  take('cfDnsApiToken', flags.cfDnsToken, (raw) => {
    const result = v.checkToken(raw);
    return result.ok ? { ok: true, value: new Secret(result.value) } : result;
  });
  take('tcpPorts', flags.tcpPorts, v.checkPortList);
  take('udpPorts', flags.udpPorts, v.checkPortList);
  take('httpPort', flags.httpPort, v.checkPort);
  take('httpsPort', flags.httpsPort, v.checkPort);
  take('listenAddress', flags.listenAddress, v.checkListenAddress);
  take('traefikImage', flags.traefikImage, v.checkImage);
  take('routeServerPort', flags.routeServerPort, v.checkPort);
  take('apiPort', flags.apiPort, v.checkPort);
  take('acmeChallenge', flags.acmeChallenge, checkAcmeChallenge);
  take('acmeCaServer', flags.acmeCaServer, checkCaServer);
  take('acmeCaRoot', flags.acmeCaRoot, checkCaRootPem);
  take('acmeDnsResolvers', flags.acmeDnsResolvers, checkDnsResolverList);

  if (problems.length === 0) problems.push(...checkInfra(next, (field) => FLAG_OF[field]));
  return { infra: next, problems, changed: changedFields(current, next) };
}

/** The ACME settings that only make sense together. */
function checkAcme(infra: Infra, where: FieldLocator): Problem[] {
  const problems: Problem[] = [];
  if (infra.acmeChallenge === 'dns' && !infra.cfDnsApiToken) {
    problems.push({ where: where('acmeChallenge'), message: 'dns (DNS-01) needs a Cloudflare token; set --cf-dns-token too, or use --acme-challenge tls (or http), which need none' });
  }
  if (infra.acmeCaRoot && !infra.acmeCaServer) {
    problems.push({ where: where('acmeCaRoot'), message: 'a CA root is only used for an ACME server of your own; set --acme-ca-server URL too, or clear it with --acme-ca-root ""' });
  }
  if (infra.acmeDnsResolvers.length > 0 && acmeChallenge(infra) !== 'dns') {
    problems.push({ where: where('acmeDnsResolvers'), message: 'DNS resolvers are only used by the DNS-01 challenge; set --cf-dns-token (and --acme-challenge dns), or clear them with --acme-dns-resolvers ""' });
  }
  return problems;
}

/** Which setting puts an entrypoint where it is, to name it in a bind clash. */
function fieldOfEntryPoint(name: string, infra: Infra): keyof Infra {
  if (name === 'websecure') return 'publicIPv4';
  if (name.endsWith('-v6')) return 'publicIPv6';
  if (name === 'traefik') return 'apiPort';
  if (name === 'route-server') return 'routeServerPort';
  // web, tcp-* and udp-* bind --listen-address, else the public IPv4, else the public IPv6.
  if (infra.listenAddress !== undefined) return 'listenAddress';
  return infra.publicIPv4 !== undefined ? 'publicIPv4' : 'publicIPv6';
}

/**
 * Every rule that spans fields, in one place, for set-infra's flags and for the config file alike:
 * the port rules, then the listeners Traefik (and the route server) would open, which must all be
 * able to bind together. A settings set that passes here renders a tree that passes the static lint.
 */
export function checkInfra(infra: Infra, where: FieldLocator): Problem[] {
  const problems = [...checkAcme(infra, where), ...checkInfraPorts(infra, where)];
  if (problems.length) return problems;
  const listeners: [string, string][] = entryPoints(infra).map((e) => [e.name, e.address]);
  listeners.push(['route-server', `127.0.0.1:${infra.routeServerPort}`]);
  const bound: [string, ListenAddress][] = [];
  // One problem per setting, naming every entrypoint it stops (one address feeds many) and the
  // first entrypoint's reason (the others differ only by port).
  const unbindable = new Map<keyof Infra, { field: keyof Infra; reason: string; names: string[] }>();
  for (const [name, address] of listeners) {
    const parsed = parseListenAddress(address);
    if (typeof parsed !== 'string') {
      bound.push([name, parsed]);
      continue;
    }
    const field = fieldOfEntryPoint(name, infra);
    const entry = unbindable.get(field) ?? { field, reason: parsed, names: [] };
    entry.names.push(name);
    unbindable.set(field, entry);
  }
  for (const { field, reason, names } of unbindable.values()) {
    const which = names.length === 1 ? `entrypoint ${names[0]}` : `entrypoints ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
    problems.push({ where: where(field), message: `${which} cannot listen: ${reason}` });
  }
  for (const clash of findBindClashes(bound)) {
    // Named after the last listener of the clash: the one the setting just added.
    const named = bound.filter(([n]) => new RegExp(`[ ,]${n}[ ,]`).test(clash)).pop();
    problems.push({ where: where(fieldOfEntryPoint(named?.[0] ?? '', infra)), message: `${clash}; change the addresses or ports so every listener is distinct` });
  }
  return problems;
}

export function changedFields(a: Infra, b: Infra): (keyof Infra)[] {
  return (Object.keys(FLAG_OF) as (keyof Infra)[]).filter((k) => {
    if (k === 'acmeCaRoot') return a.acmeCaRoot !== b.acmeCaRoot;
    if (k === 'cfDnsApiToken') return a.cfDnsApiToken?.reveal() !== b.cfDnsApiToken?.reveal();
    return JSON.stringify(a[k]) !== JSON.stringify(b[k]);
  });
}
