import type { Problem } from '../errors.js';
import { emptyInfra, type Infra } from '../config/model.js';
import * as v from '../config/validators.js';
import { Secret } from '../util/secret.js';
import { checkInfraPorts } from './ports.js';

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

  take('publicIPv4', flags.publicIpv4, v.checkIPv4);
  take('publicIPv6', flags.publicIpv6, v.checkIPv6);
  take('baseDomain', flags.baseDomain, v.checkDomain);
  take('certEmail', flags.certEmail, v.checkEmail);
  if (flags.cfDnsToken !== undefined) {
    const result = v.checkToken(flags.cfDnsToken);
    if (result.ok) next.cfDnsApiToken = new Secret(result.value);
    else problems.push({ where: FLAG_OF.cfDnsApiToken, message: result.expected });
  }
  take('tcpPorts', flags.tcpPorts, v.checkPortList);
  take('udpPorts', flags.udpPorts, v.checkPortList);
  take('httpPort', flags.httpPort, v.checkPort);
  take('httpsPort', flags.httpsPort, v.checkPort);
  take('listenAddress', flags.listenAddress, v.checkIP);
  take('traefikImage', flags.traefikImage, v.checkImage);
  take('routeServerPort', flags.routeServerPort, v.checkPort);
  take('apiPort', flags.apiPort, v.checkPort);

  if (problems.length === 0) problems.push(...checkInfraPorts(next, (field) => FLAG_OF[field]));
  return { infra: next, problems, changed: changedFields(current, next) };
}

export function changedFields(a: Infra, b: Infra): (keyof Infra)[] {
  return (Object.keys(FLAG_OF) as (keyof Infra)[]).filter((k) => {
    if (k === 'cfDnsApiToken') return a.cfDnsApiToken?.reveal() !== b.cfDnsApiToken?.reveal();
    return JSON.stringify(a[k]) !== JSON.stringify(b[k]);
  });
}
