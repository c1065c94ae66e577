import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { AcmeLogError, AcmeState, StoredCertificate } from '../../core/protocol/machine.js';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import { hostDockerEnv, hostExec } from './host-exec.js';

/** How far back the proxy's logs are read for ACME errors (a few thousand lines: days of a quiet proxy). */
const LOG_LINES = 5000;

/**
 * Traefik's ACME state on this server: the certificates of acme.json (read here, never sent whole:
 * it holds the private keys) and the last ACME error the proxy container logged per domain set.
 */
export async function acmeState(rootPrefix: string, container: string | null): Promise<AcmeState> {
  const path = onServer(rootPrefix, `${SERVER_PATHS.acmeDir}/acme.json`);
  let mode: string | null = null;
  let certificates: StoredCertificate[] = [];
  try {
    mode = (statSync(path).mode & 0o777).toString(8);
    certificates = storedCertificates(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  } catch {
    // no acme.json yet (no resolver, or nothing issued), or one Traefik is still writing
  }
  const errors = container ? acmeLogErrors(await proxyLogs(rootPrefix, container)) : [];
  return { storage: { exists: mode !== null, mode }, certificates, errors };
}

type Obj = Record<string, unknown>;

/** acme.json: `{ resolver: { Certificates: [{ domain: { main, sans }, certificate: base64 PEM, key }] } }`. */
export function storedCertificates(json: unknown): StoredCertificate[] {
  const out: StoredCertificate[] = [];
  if (typeof json !== 'object' || json === null) return out;
  for (const [resolver, value] of Object.entries(json as Obj)) {
    const certs = ((value as Obj | null)?.Certificates ?? []) as { domain?: { main?: string; sans?: string[] }; certificate?: string }[];
    if (!Array.isArray(certs)) continue;
    for (const c of certs) {
      if (typeof c?.domain?.main !== 'string') continue;
      let x509: X509Certificate | undefined;
      try {
        x509 = new X509Certificate(Buffer.from(c.certificate ?? '', 'base64'));
      } catch {
        // unreadable: listed without its dates
      }
      out.push({
        resolver,
        domain: c.domain.main,
        sans: Array.isArray(c.domain.sans) ? c.domain.sans.filter((s) => typeof s === 'string') : [],
        issuer: x509 ? (/CN=([^\n]+)/.exec(x509.issuer)?.[1] ?? x509.issuer.replace(/\n/g, ', ')) : null,
        notBefore: x509 ? new Date(x509.validFrom).toISOString() : null,
        notAfter: x509 ? new Date(x509.validTo).toISOString() : null,
      });
    }
  }
  return out;
}

async function proxyLogs(rootPrefix: string, container: string): Promise<string> {
  const r = await hostExec('docker', ['logs', '--tail', String(LOG_LINES), container], hostDockerEnv(rootPrefix));
  return r.code === 0 ? `${r.stdout}\n${r.stderr}` : '';
}

/**
 * The ACME errors of Traefik's log lines (`… ERR Unable to obtain ACME certificate for domains
 * error="…" … domains=["a","b"] providerName=letsencrypt.acme …`), the last one per domain set.
 */
export function acmeLogErrors(logs: string): AcmeLogError[] {
  const last = new Map<string, AcmeLogError>();
  // Traefik colours its console log even without a terminal: the escapes go first.
  for (const line of logs.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    if (!/\bERR\b|level=error/.test(line) || !/acme/i.test(line)) continue;
    const quoted = /\berror="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    const error = quoted !== undefined ? unescape(quoted) : line.replace(/^\S+\s+ERR\s+/, '');
    const domainsRaw = /\bdomains=\[([^\]]*)\]/.exec(line)?.[1] ?? '';
    const domains = [...domainsRaw.matchAll(/"?([A-Za-z0-9*_.-]+)"?/g)].map((m) => m[1] as string).filter(Boolean);
    const time = /^(\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)/.exec(line)?.[1] ?? null;
    last.set(domains.join(','), { time, domains, error: error.slice(0, 2000) });
  }
  return [...last.values()];
}

function unescape(quoted: string): string {
  try {
    return JSON.parse(`"${quoted}"`) as string;
  } catch {
    return quoted;
  }
}
