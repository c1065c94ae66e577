/**
 * Certificates as `rdc machine status` shows them (pure): what Traefik stored in acme.json and the
 * last ACME error it logged for each domain, with the likely cause and the fix.
 */

import type { AcmeState } from '../protocol/machine.js';

export interface CertificateRow {
  domain: string;
  resolver: string | null;
  issuer: string | null;
  notAfter: string | null;
  daysLeft: number | null;
  /** The last ACME error for the domain while it has no (or an expiring) certificate. */
  lastError: string | null;
  cause: string | null;
  fix: string | null;
}

/** A certificate expiring this soon is a finding (Traefik renews 30 days ahead: a failing renewal shows here). */
export const EXPIRY_WARNING_DAYS = 14;

const DAY_MS = 86_400_000;

export function certificateRows(state: AcmeState, now: Date): CertificateRow[] {
  const rows = new Map<string, CertificateRow>();
  for (const c of state.certificates) {
    const daysLeft = c.notAfter ? Math.floor((Date.parse(c.notAfter) - now.getTime()) / DAY_MS) : null;
    rows.set(c.domain, { domain: c.domain, resolver: c.resolver, issuer: c.issuer, notAfter: c.notAfter, daysLeft, lastError: null, cause: null, fix: null });
  }
  for (const e of state.errors) {
    for (const domain of e.domains.length ? e.domains : ['(every domain)']) {
      const row = rows.get(domain) ?? { domain, resolver: null, issuer: null, notAfter: null, daysLeft: null, lastError: null, cause: null, fix: null };
      // An error before the certificate it has now was fixed since; one while it expires is a failing renewal.
      const stale = row.notAfter !== null && (row.daysLeft ?? 0) > EXPIRY_WARNING_DAYS;
      if (stale) continue;
      const why = explainAcmeError(e.error);
      rows.set(domain, { ...row, lastError: e.error, cause: why.cause, fix: why.fix });
    }
  }
  return [...rows.values()].sort((a, b) => a.domain.localeCompare(b.domain));
}

/** The likely cause of an ACME error as lego words it, and what to do. */
export function explainAcmeError(error: string): { cause: string; fix: string } {
  const e = error.toLowerCase();
  if (/ratelimited|rate limit|too many/.test(e)) {
    return { cause: 'the CA\'s rate limit was hit (too many certificates or failed validations)', fix: 'wait for the limit window to pass; test with --acme-ca-server https://acme-staging-v02.api.letsencrypt.org/directory' };
  }
  if (/x509|certificate signed by unknown authority|tls: failed to verify/.test(e) && /dir|directory|acme client|new account|nonce/.test(e)) {
    return { cause: 'Traefik does not trust the ACME server\'s HTTPS certificate', fix: 'give its root with rdc context set-infra --acme-ca-root FILE, then push-infra' };
  }
  if (/(get directory|new account|nonce|acme client)[\s\S]*(connection refused|no such host|i\/o timeout|dial tcp)/.test(e) || /could not reach the acme server/.test(e)) {
    return { cause: 'the ACME server cannot be reached from this machine', fix: 'check --acme-ca-server (rdc context show-infra) and the machine\'s outbound HTTPS' };
  }
  if (/error:dns|nxdomain|no valid a records|no a records|servfail|dns problem|could not resolve/.test(e)) {
    return { cause: 'the domain does not resolve in public DNS', fix: 'create an A (and AAAA) record pointing at this machine\'s public address (rdc dns sync with a Cloudflare token)' };
  }
  if (/error:connection|failed to connect|connection refused|timeout during connect|no route to host|i\/o timeout|connection reset/.test(e)) {
    return { cause: 'the CA could not connect to this machine for the challenge: the domain\'s DNS points elsewhere, or a firewall blocks port 443 (TLS-ALPN-01) / 80 (HTTP-01)', fix: 'point the domain at this machine\'s public address and open the challenge port, or use --acme-challenge dns with a Cloudflare token' };
  }
  if (/error:unauthorized|error:incorrectresponse|incorrect validation|invalid response|wrong|unauthorized/.test(e)) {
    return { cause: 'the challenge answer the CA received was not Traefik\'s: the domain points at another server, or a proxy in front answers instead', fix: 'point the domain at this machine (no other proxy in front), then push-infra' };
  }
  if (/error:rejectedidentifier|policy forbids|blocked/.test(e)) {
    return { cause: 'the CA refuses to issue for this name', fix: 'use a name the CA accepts (no internal or blocked domains)' };
  }
  if (/cloudflare|cf_dns_api_token|zone/.test(e)) {
    return { cause: 'the DNS-01 challenge could not be written through Cloudflare', fix: 'check the token (Zone:DNS:Edit on the zone) with rdc dns list, then set it again with --cf-dns-token' };
  }
  return { cause: 'the ACME order failed', fix: 'read the error above; the proxy\'s container logs have the whole exchange' };
}

/** Findings for `machine status`: a missing certificate with its cause, one expiring soon, storage problems. */
export function certificateFindings(state: AcmeState | undefined, machine: string, now: Date): string[] {
  if (!state) return [];
  const found: string[] = [];
  if (state.storage.exists && state.storage.mode !== null && state.storage.mode !== '600') {
    found.push(`acme.json has mode ${state.storage.mode}; Traefik refuses to use it unless it is 600. Run chmod 600 on it, or rdc context push-infra ${machine}.`);
  }
  for (const row of certificateRows(state, now)) {
    if (row.lastError) {
      const what = row.notAfter ? `The certificate of ${row.domain} could not be renewed` : `No certificate for ${row.domain}`;
      found.push(`${what}: ${row.cause}. Fix: ${row.fix}. (Last error: ${row.lastError.slice(0, 300)})`);
    } else if (row.daysLeft !== null && row.daysLeft < EXPIRY_WARNING_DAYS) {
      found.push(`The certificate of ${row.domain} ${row.daysLeft < 0 ? 'has expired' : `expires in ${row.daysLeft} days`} (${row.notAfter}) and was not renewed; look at the proxy's logs, or rdc context push-infra ${machine} to restart Traefik.`);
    }
  }
  return found;
}
