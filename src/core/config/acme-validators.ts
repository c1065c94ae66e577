// Validators of the ACME settings (set-infra's --acme-* flags and the config file's fields alike).
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { bad, ok, show, tooLong, type Check } from './check.js';

/** How Traefik proves a domain to the CA: TLS-ALPN-01 on websecure, HTTP-01 on web, DNS-01 through Cloudflare. */
export const ACME_CHALLENGES = ['tls', 'http', 'dns'] as const;
export type AcmeChallenge = (typeof ACME_CHALLENGES)[number];

export function checkAcmeChallenge(value: string): Check<AcmeChallenge> {
  if ((ACME_CHALLENGES as readonly string[]).includes(value)) return ok(value as AcmeChallenge);
  return bad(`${show(value)} is not a challenge type; expected tls (TLS-ALPN-01 on port 443), http (HTTP-01 on port 80) or dns (DNS-01 through Cloudflare, needs --cf-dns-token)`);
}

/** An ACME directory URL: https, a host, no credentials, query or fragment (lego fetches it as is). */
export function checkCaServer(value: string): Check<string> {
  const long = tooLong(value, 2048, 'a URL');
  if (long) return long;
  const expected = 'expected the https URL of an ACME directory, e.g. https://acme-staging-v02.api.letsencrypt.org/directory';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad(`${show(value)} is not a URL; ${expected}`);
  }
  if (url.protocol !== 'https:') return bad(`${show(value)} does not use https (ACME servers are reached over HTTPS only); ${expected}`);
  if (!url.hostname) return bad(`${show(value)} has no host; ${expected}`);
  if (url.username || url.password) return bad(`${show(value)} carries a user name or password; ${expected}`);
  if (url.search || url.hash || /[\s"'\\]/.test(value)) return bad(`${show(value)} has a query, a fragment, whitespace or quotes; ${expected}`);
  return ok(url.href);
}

/** At most this much PEM: a root and a few intermediates, never a pasted bundle of the whole system store. */
export const MAX_CA_ROOT_BYTES = 64 * 1024;

/**
 * The PEM certificate(s) Traefik trusts for the ACME server's HTTPS: every block a parsable CA
 * certificate, nothing else (a private key is refused without being echoed). Normalised to the
 * certificates' own PEM, one trailing newline.
 */
export function checkCaRootPem(value: string): Check<string> {
  if (value.length > MAX_CA_ROOT_BYTES) return bad(`the file holds ${value.length} bytes, more than a CA root (at most ${MAX_CA_ROOT_BYTES / 1024} KiB); give the PEM file of the ACME server's root certificate`);
  const hint = "give the PEM file of the root certificate that signed the ACME server's HTTPS certificate";
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) return bad(`the file holds a private key, which must never leave your machine; ${hint}`);
  const blocks = value.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return bad(`the file holds no PEM certificate (-----BEGIN CERTIFICATE-----); ${hint}`);
  const rest = blocks.reduce((text, b) => text.replace(b, ''), value);
  if (rest.trim() !== '') return bad(`the file holds text other than PEM certificates; ${hint}`);
  const pems: string[] = [];
  for (const [i, block] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      return bad(`certificate ${i + 1} of the file does not parse; ${hint}`);
    }
    if (!cert.ca) return bad(`certificate ${i + 1} of the file (${show(cert.subject.replace(/\n/g, ', '))}) is not a CA certificate; ${hint}`);
    pems.push(cert.toString().trim());
  }
  return ok(`${pems.join('\n')}\n`);
}

/** A one-line summary of a stored CA root, for show-infra (the subject and expiry of the first certificate). */
export function describeCaRoot(pem: string): string {
  try {
    const cert = new X509Certificate(pem);
    const cn = /CN=([^\n]+)/.exec(cert.subject)?.[1] ?? cert.subject.replace(/\n/g, ', ');
    return `${cn} (valid to ${new Date(cert.validTo).toISOString().slice(0, 10)})`;
  } catch {
    return 'unreadable';
  }
}

/** At most this many DNS-01 resolvers (lego asks them in turn). */
export const MAX_DNS_RESOLVERS = 8;

/**
 * One DNS-01 resolver: `ip`, `ip:port` or `[ipv6]:port` (IP literals only: lego would resolve a
 * name through the very DNS it checks). Normalised to `ip:port` / `[ipv6]:port`, port 53 by default.
 */
export function checkDnsResolver(value: string): Check<string> {
  const expected = 'expected a resolver address such as 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:53';
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value) ?? (isIP(value) === 6 ? [value, value, undefined] : /^([^:]+)(?::(\d{1,5}))?$/.exec(value));
  const host = m?.[1] ?? '';
  const family = isIP(host);
  if (!m || family === 0) return bad(`${show(value)} is not an IP address with an optional port; ${expected}`);
  if (host === '0.0.0.0' || host === '::' || host.includes('%')) return bad(`${show(value)} is not an address a resolver answers on; ${expected}`);
  const port = m[2] === undefined ? 53 : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return bad(`${show(value)} has port ${m[2]}, outside 1-65535; ${expected}`);
  return ok(family === 6 ? `[${host}]:${port}` : `${host}:${port}`);
}

/** set-infra's `--acme-dns-resolvers a,b`: each checked, duplicates dropped, order kept (lego asks the first first). */
export function checkDnsResolverList(value: string): Check<string[]> {
  const out: string[] = [];
  for (const item of value.split(',').map((s) => s.trim())) {
    const r = checkDnsResolver(item);
    if (!r.ok) return r;
    if (!out.includes(r.value)) out.push(r.value);
  }
  if (out.length > MAX_DNS_RESOLVERS) return bad(`${out.length} resolvers given, at most ${MAX_DNS_RESOLVERS}; list the ones lego should ask`);
  return ok(out);
}
