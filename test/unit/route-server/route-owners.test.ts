import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RdcError } from '../../../src/core/errors.js';
import { parseRouteOwners, type RouteOwner } from '../../../src/core/protocol/route-owners.js';
import { buildRoutes } from '../../../src/renet/route-server/build-routes.js';
import { emptyState, type ContainerInfo } from '../../../src/renet/route-server/model.js';
import { publishedRouters } from '../../../src/renet/route-server/proxy-compare.js';
import { FIXTURES } from '../../helpers/paths.js';
import { BASE_SETTINGS } from './settings.js';

const CASES = `${FIXTURES}routes/`;
const golden = (name: string) => JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8')) as { dynamic: Record<string, unknown>; owners: RouteOwner[] };

test('every published router has exactly one owner, and the owners parse back unchanged (every golden case)', () => {
  for (const name of readdirSync(CASES).sort()) {
    const { dynamic, owners } = golden(name);
    const keys = owners.map((o) => `${o.kind}/${o.router}`);
    assert.equal(new Set(keys).size, keys.length, `${name}: one entry per router`);
    assert.deepEqual(new Set(keys), publishedRouters(dynamic), `${name}: the same routers as /routes.json`);
    assert.deepEqual(parseRouteOwners(JSON.parse(JSON.stringify({ routes: owners })), name).routes, owners, name);
  }
});

test('owners after conflicts: a moved TCP router has its new port, a dropped one is absent, each names its container and service', () => {
  const { owners } = golden('tcp-udp-ports');
  const of = (networkId: number) => owners.filter((o) => o.networkId === networkId).map((o) => `${o.kind} ${o.router} ${o.ports.join()} ${o.container}/${o.service} level ${o.level}`);
  // Repo 2880 asked for tcp-5432 (held by 2816): moved to 10001. Its udp-53 lost to 2816: not published, so no owner.
  assert.deepEqual(of(2880), ['tcp auto-postgres-2880-tcp-5432 10001 two-postgres-1/postgres level 1']);
  assert.deepEqual(of(2816), ['tcp auto-postgres-2816-tcp-5432 5432 one-postgres-1/postgres level 1', 'udp auto-postgres-2816-udp-53 53 one-postgres-1/postgres level 1']);
  const imaps = owners.find((o) => o.router === 'r2944-mail-imaps');
  assert.deepEqual(imaps && { hosts: imaps.hosts, backends: imaps.backends, entryPoints: imaps.entryPoints }, { hosts: ['mail.example.com'], backends: ['127.0.11.130:993'], entryPoints: ['tcp-993'] });
});

test('owners of HTTP routers: hosts from the rule, the tls section\'s resolver, no ports', () => {
  const c = (name: string, labels: Record<string, string>): ContainerInfo => ({ id: name, name, networkId: 2816, startedAt: '2026-01-01T00:00:00Z', labels: { 'rediacc.service_name': 'web', 'rediacc.service_ip': '127.0.11.2', ...labels } });
  const build = buildRoutes([
    c('web-1', { 'rediacc.service_port': '8080' }),
    c('app-1', { 'traefik.enable': 'true', 'traefik.http.routers.app.rule': 'Host(`a.example.net`) || Host(`b.example.net`)', 'traefik.http.routers.app.entrypoints': 'web', 'traefik.http.services.app.loadbalancer.server.port': '80' }),
  ], { ...BASE_SETTINGS, fileMiddlewares: [] }, emptyState());
  assert.deepEqual(build.owners.map((o) => ({ router: o.router, hosts: o.hosts, ports: o.ports, level: o.level, tls: o.tls, backends: o.backends })), [
    { router: 'auto-web-2816', hosts: ['web-2816.example.com'], ports: [], level: 1, tls: { certResolver: 'letsencrypt' }, backends: ['http://127.0.11.2:8080'] },
    { router: 'r2816-app', hosts: ['a.example.net', 'b.example.net'], ports: [], level: 2, tls: undefined, backends: ['http://127.0.11.2:80'] },
  ]);
  assert.equal(build.counts.autoRoutes, 1);
});

test('a reply that does not fit is an error naming where it came from and the field, never a bug', () => {
  const owner = { kind: 'http', router: 'r', networkId: 2816, service: 's', container: 'c', level: 2, hosts: ['a.example.com'], ports: [], entryPoints: ['web'], backends: [] };
  const refused = (raw: unknown, field: RegExp) => assert.throws(() => parseRouteOwners(raw, 'renet machine routes on s1'),
    (e: unknown) => e instanceof RdcError && /^renet machine routes on s1: /.test(e.message) && field.test(e.message) && /push-infra/.test(e.hint ?? ''));
  refused({ status: 'starting' }, /routes is not a list/);
  refused(null, /routes is not a list/);
  refused({ routes: [{ ...owner, hosts: 'a.example.com, b.example.com' }] }, /routes\[0\]\.hosts is not a list of strings/);
  refused({ routes: [owner, { ...owner, kind: 'tls' }] }, /routes\[1\]\.kind is "tls", not http, tcp or udp/);
  refused({ routes: [{ ...owner, networkId: '2816' }] }, /routes\[0\]\.networkId is not a whole number/);
  refused({ routes: [{ ...owner, level: 3 }] }, /routes\[0\]\.level is not 1 or 2/);
  refused({ routes: [{ ...owner, ports: [0] }] }, /routes\[0\]\.ports is not a list of ports/);
  refused({ routes: [{ ...owner, tls: { certResolver: 1 } }] }, /routes\[0\]\.tls\.certResolver is not a string or null/);
  refused({ routes: [{ ...owner, repo: 7 }] }, /routes\[0\]\.repo is not a string/);
  assert.deepEqual(parseRouteOwners({ routes: [{ ...owner, repo: 'shop', tls: { certResolver: null }, extra: true }] }, 'x').routes, [{ ...owner, repo: 'shop', tls: { certResolver: null } }]);
});
