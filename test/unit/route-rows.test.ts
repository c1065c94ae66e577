import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { diagnose, type MachineStatus } from '../../src/core/status/diagnose.js';
import { repoLabel, routeRows } from '../../src/core/status/route-rows.js';
import type { RouteOwner } from '../../src/core/protocol/route-owners.js';
import { FIXTURES } from '../helpers/paths.js';

test('route rows name the host or entrypoint, the backend, the repo and the level', () => {
  const { owners } = JSON.parse(readFileSync(`${FIXTURES}routes/tcp-udp-ports/expected.json`, 'utf8')) as { owners: RouteOwner[] };
  const rows = routeRows(owners, { 2816: 'shop' });
  assert.deepEqual(rows.map((r) => `${r.kind} ${r.match} -> ${r.backend} repo ${repoLabel(r)} level ${r.level}`), [
    'tcp mail.example.com -> 127.0.11.130:993 repo 2944 level 2',
    'tcp tcp-10001 -> 127.0.11.67:5432 repo 2880 level 1',
    'tcp tcp-25 -> 127.0.11.130:25 repo 2944 level 2',
    'tcp tcp-5432 -> 127.0.11.3:5432 repo shop (2816) level 1',
    'udp udp-53 -> 127.0.11.3:53 repo shop (2816) level 1',
  ]);
  // The display columns sit beside the owner's own fields; nothing is read back out of them.
  assert.deepEqual(rows.map((r) => [r.router, r.hosts, r.ports]), [
    ['r2944-mail-imaps', ['mail.example.com'], [993]],
    ['auto-postgres-2880-tcp-5432', [], [10001]],
    ['r2944-mail-smtp', [], [25]],
    ['auto-postgres-2816-tcp-5432', [], [5432]],
    ['auto-postgres-2816-udp-53', [], [53]],
  ]);
});

test('diagnose names the likely cause of each problem', () => {
  const status: MachineStatus = {
    traefik: { running: false, container: null, image: null },
    router: {
      supervisedBy: null, httpStatus: 200,
      health: {
        status: 'degraded', routers: 1, services: 1, autoRoutes: 1,
        daemons: [{ networkId: 2880, ok: false, containers: 2, error: 'connect ECONNREFUSED' }],
        conflicts: [{ kind: 'host', value: 'app.example.com', owner: 2816, loser: 2880, router: 'r2880-app', container: 'web-1' }],
        errors: [{ networkId: 2944, container: 'api-1', errors: ['rediacc.service_port="x" is not a port'] }],
      },
    },
    certResolver: null,
    baseDomain: 'example.com',
    backends: [{ service: 'auto-web-2816', backend: '127.0.11.2:80', accepts: false }, { service: 'auto-db-2816', backend: '127.0.11.3:80', accepts: true },
      { service: 'r2880-api', backend: '127.0.11.66:3000', accepts: false, networkId: 2880, container: 'api-1' }],
  };
  const findings = diagnose(status, 'server-1', { 2880: 'shop' });
  assert.equal(findings.length, 7);
  assert.match(findings[0] ?? '', /Traefik is not running.*push-infra server-1/);
  assert.match(findings.join('\n'), /daemon of repo 2880 is down/);
  assert.match(findings.join('\n'), /Host app\.example\.com is claimed by repo 2816 and repo 2880; web-1's router r2880-app is not routed/);
  assert.match(findings.join('\n'), /Container api-1 \(repo 2944\) has bad labels/);
  assert.match(findings.join('\n'), /auto-web-2816 → 127\.0\.11\.2:80 refuses connections: requests get 502 Bad Gateway/);
  // The owners (/owners.json) say whose a backend is: the finding names the container and the repo as the user knows it.
  assert.match(findings.join('\n'), /r2880-api → 127\.0\.11\.66:3000 refuses connections: requests get 502 Bad Gateway\. Make container api-1 of repo shop listen on/);
  assert.match(findings.join('\n'), /No certificate resolver/);
});
