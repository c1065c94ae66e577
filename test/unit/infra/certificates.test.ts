import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateFindings, certificateRows, explainAcmeError } from '../../../src/core/status/certificates.js';
import type { AcmeState } from '../../../src/core/protocol/machine.js';
import { acmeLogErrors } from '../../../src/renet/infra/acme-state.js';

// Traefik v3.7's log lines as the proxy container writes them (coloured even without a terminal),
// copied from the HTTPS e2e test against Pebble.
const E = '\x1b';
const LOG = [
  '2026-12-02T00:40:00Z INF Starting provider *acme.ChallengeTLSALPN',
  `${E}[90m2026-12-02T00:40:01Z${E}[0m ${E}[31mERR${E}[0m ${E}[1mUnable to obtain ACME certificate for domains${E}[0m ${E}[36merror=${E}[0m${E}[31m${E}[1m"unable to generate a certificate for the domains [gone.example.com]: resolver: one or more domains had a problem: [gone.example.com: invalid authorization: acme: error: 403 :: urn:ietf:params:acme:error:unauthorized :: Failed to connect to 127.0.0.2:33675 for the tls-alpn-01 challenge]"${E}[0m${E}[0m ${E}[36mACME CA=${E}[0mhttps://127.0.0.1:42675/dir ${E}[36macmeCA=${E}[0mhttps://127.0.0.1:42675/dir ${E}[36mdomains=${E}[0m["gone.example.com"] ${E}[36mproviderName=${E}[0mletsencrypt.acme ${E}[36mrouterName=${E}[0mr2795712-webapp@http ${E}[36mrule=${E}[0mHost(\`gone.example.com\`)`,
  '2026-12-02T00:41:01Z ERR Unable to obtain ACME certificate for domains error="acme: error: 429 :: POST :: urn:ietf:params:acme:error:rateLimited :: too many certificates" domains=["busy.example.com","www.busy.example.com"] providerName=letsencrypt.acme',
  '2026-12-02T00:42:00Z ERR Unable to obtain ACME certificate for domains error="old failure" domains=["ok.example.com"] providerName=letsencrypt.acme',
].join('\n');

const now = new Date('2026-12-02T01:00:00Z');
const state = (notAfter: string): AcmeState => ({
  storage: { exists: true, mode: '600' },
  certificates: [{ resolver: 'letsencrypt', domain: 'ok.example.com', sans: [], issuer: 'Pebble Intermediate CA 1', notBefore: '2026-12-02T00:50:00.000Z', notAfter }],
  errors: acmeLogErrors(LOG),
});

test('ACME errors are read from Traefik\'s log lines, the last one per domain set, unescaped', () => {
  const errors = acmeLogErrors(LOG);
  assert.deepEqual(errors.map((e) => e.domains), [['gone.example.com'], ['busy.example.com', 'www.busy.example.com'], ['ok.example.com']]);
  assert.equal(errors[0]?.time, '2026-12-02T00:40:01Z');
  assert.match(errors[0]?.error ?? '', /^unable to generate a certificate for the domains \[gone\.example\.com\]: .*Failed to connect to 127\.0\.0\.2:33675 for the tls-alpn-01 challenge\]$/);
});

test('rows: a valid certificate hides an old error; a domain without one shows its error with cause and fix', () => {
  const rows = certificateRows(state('2027-03-01T00:00:00.000Z'), now);
  assert.deepEqual(rows.map((r) => r.domain), ['busy.example.com', 'gone.example.com', 'ok.example.com', 'www.busy.example.com']);
  const ok = rows.find((r) => r.domain === 'ok.example.com');
  assert.equal(ok?.lastError, null);
  assert.equal(ok?.daysLeft, 88);
  const gone = rows.find((r) => r.domain === 'gone.example.com');
  assert.equal(gone?.issuer, null);
  assert.match(gone?.cause ?? '', /could not connect to this machine/);
  assert.match(rows[0]?.cause ?? '', /rate limit/);
});

test('findings: a missing certificate with its cause, one expiring within 14 days, a bad acme.json mode', () => {
  const fine = certificateFindings(state('2027-03-01T00:00:00.000Z'), 's1', now);
  assert.equal(fine.length, 3, fine.join('\n'));
  assert.match(fine.join('\n'), /No certificate for gone\.example\.com: the CA could not connect.*Fix: point the domain/);
  // Expiring soon: the old error now counts as a failing renewal.
  const soon = certificateFindings(state('2026-12-10T00:00:00.000Z'), 's1', now);
  assert.match(soon.join('\n'), /The certificate of ok\.example\.com could not be renewed/);
  const quiet: AcmeState = { storage: { exists: true, mode: '644' }, certificates: state('2026-12-10T00:00:00.000Z').certificates, errors: [] };
  const q = certificateFindings(quiet, 's1', now);
  assert.match(q.join('\n'), /acme\.json has mode 644/);
  assert.match(q.join('\n'), /ok\.example\.com expires in 7 days/);
});

test('causes: DNS, CA unreachable, untrusted CA, wrong answer', () => {
  assert.match(explainAcmeError('acme: error: 400 :: urn:ietf:params:acme:error:dns :: NXDOMAIN looking up A for x').cause, /does not resolve/);
  assert.match(explainAcmeError('cannot get ACME client get directory at \'https://ca/dir\': Get "https://ca/dir": dial tcp 127.0.0.1:1: connect: connection refused').cause, /cannot be reached/);
  assert.match(explainAcmeError('get directory at \'https://ca/dir\': tls: failed to verify certificate: x509: certificate signed by unknown authority').fix, /--acme-ca-root/);
  assert.match(explainAcmeError('urn:ietf:params:acme:error:unauthorized :: incorrect validation certificate').cause, /not Traefik's/);
});
