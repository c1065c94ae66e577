import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { printClaims } from '../../../src/rdc/commands/repo/print.js';
import type { Io } from '../../../src/rdc/output/io.js';
import { Output } from '../../../src/rdc/output/output.js';
import { buildRoutes } from '../../../src/renet/route-server/build-routes.js';
import { emptyState, type ContainerInfo } from '../../../src/renet/route-server/model.js';
import { parseRouteOwners } from '../../../src/core/protocol/route-owners.js';
import { repoClaims } from '../../../src/core/repo/route-claims.js';
import { BASE_SETTINGS } from '../route-server/settings.js';

/** The route server's real output for three repos: one claims first, one loses a host and a port and has a skipped container. */
function machine() {
  const c = (name: string, networkId: number, ip: string, startedAt: string, labels: Record<string, string>): ContainerInfo =>
    ({ id: name, name, networkId, startedAt, labels: { 'rediacc.service_name': name.split('-')[0] as string, 'rediacc.service_ip': ip, ...labels } });
  const level2 = (rule: string) => ({ 'traefik.enable': 'true', 'traefik.http.routers.app.rule': rule, 'traefik.http.services.app.loadbalancer.server.port': '8080' });
  const build = buildRoutes([
    c('app-1', 2816, '127.0.11.2', '2026-01-01T00:00:00Z', level2('Host(`app.example.com`)')),
    c('db-1', 2816, '127.0.11.3', '2026-01-01T00:00:01Z', { 'rediacc.tcp_ports': '5432' }),
    c('app-2', 2880, '127.0.11.66', '2026-01-01T00:00:02Z', level2('Host(`app.example.com`)')),
    c('site-2', 2880, '127.0.11.67', '2026-01-01T00:00:03Z', { 'traefik.enable': 'true', 'traefik.http.routers.site.rule': 'Host(`site.example.net`)', 'traefik.http.services.site.loadbalancer.server.port': '80' }),
    c('db-2', 2880, '127.0.11.68', '2026-01-01T00:00:04Z', { 'rediacc.tcp_ports': '5432' }),
    c('grab-2', 2880, '127.0.11.69', '2026-01-01T00:00:05Z', level2('PathPrefix(`/`)')),
  ], BASE_SETTINGS, emptyState());
  // What /health, /ports and /owners.json serialize (http-api.ts), through JSON like renet reads them.
  const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  return { health: json({ conflicts: build.conflicts, errors: build.errors }), ports: json(build.ports), owners: parseRouteOwners(json({ routes: build.owners }), 'test').routes };
}

test('a repo\'s claims: what it holds, what another repo holds first, what was refused', () => {
  const src = machine();
  assert.deepEqual(repoClaims(src, 2816), { hosts: ['app.example.com'], tcp: [{ port: 5432 }], udp: [], lost: [], skipped: [] });
  const loser = repoClaims(src, 2880);
  assert.deepEqual(loser.hosts, ['site.example.net']);
  assert.deepEqual(loser.tcp, [{ port: 10000, requested: 5432 }]);
  assert.deepEqual(loser.lost, [{ kind: 'host', value: 'app.example.com', owner: 2816, router: 'r2880-app', container: 'app-2' }]);
  assert.equal(loser.skipped.length, 1);
  assert.equal(loser.skipped[0]?.container, 'grab-2');
  assert.match(loser.skipped[0]?.errors.join('') ?? '', /can match any host/);
});

test('repo up prints the claims, and warns about each loss and refusal with its fix', () => {
  const text = { stdout: '', stderr: '' };
  const io: Io = { stdout: { write: (s: string) => (text.stdout += s), isTTY: false }, stderr: { write: (s: string) => (text.stderr += s), isTTY: false }, stdin: Readable.from([]), env: { NO_COLOR: '1' }, cwd: '/' };
  printClaims(new Output(io, { json: false, verbose: false }), repoClaims(machine(), 2880));
  assert.match(text.stdout, /claimed: site\.example\.net, tcp 10000 \(asked 5432, taken\)/);
  assert.match(text.stderr, /host app\.example\.com is held by repo 2816, which claimed it first: router r2880-app \(container app-2\) is not routed; use another name/);
  assert.match(text.stderr, /container grab-2 is not routed, its labels were refused: .*PathPrefix/);
});

test('URLs, DNS and claims read the hosts a rule serves, not every name it mentions', () => {
  const build = buildRoutes([{
    id: 'a', name: 'site-1', networkId: 2880, startedAt: '2026-01-01T00:00:00Z',
    labels: { 'rediacc.service_name': 'site', 'rediacc.service_ip': '127.0.11.66', 'traefik.enable': 'true', 'traefik.http.routers.a.rule': 'Host(`site.example.net`) && !Host(`other.example.net`)', 'traefik.http.services.a.loadbalancer.server.port': '80' },
  }], BASE_SETTINGS, emptyState());
  assert.deepEqual(build.owners.map((o) => [o.router, o.hosts]), [['r2880-a', ['site.example.net']]]);
});
