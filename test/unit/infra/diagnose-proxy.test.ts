import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type MachineStatus } from '../../../src/core/status/diagnose.js';

const status = (cause: string | null, running = true, fileErrors: string[] = []): MachineStatus => ({
  traefik: { running, container: running ? 'rediacc-proxy-traefik-1' : null, image: 'traefik:v3.7', fileErrors },
  router: {
    supervisedBy: 'systemd', httpStatus: 200,
    health: {
      status: cause ? 'degraded' : 'ok', routers: 2, services: 2, autoRoutes: 2, daemons: [], conflicts: [], errors: [],
      proxy: { file: '/opt/rediacc/proxy/traefik/dynamic/rediacc-routes.yml', writtenAt: '2026-01-01T00:00:00.000Z', loadedAt: cause ? null : '2026-01-01T00:00:00.020Z', synced: !cause, cause },
    },
  },
  certResolver: 'letsencrypt', baseDomain: 'example.com', backends: [],
});

test('diagnose: Traefik not loading the published routes is a finding with the error Traefik logged', () => {
  const cause = 'Traefik did not load the last rediacc-routes.yml: 1 published router(s) not loaded (http/auto-web-2816); it keeps its previous routes';
  const logged = '2026-01-01T00:00:00Z ERR Error occurred during watcher callback error="rediacc-routes.yml: field not found, node: x" providerName=file';
  const found = diagnose(status(cause, true, [logged]), 'server-1');
  assert.equal(found.length, 1);
  assert.match(found[0] ?? '', /^Traefik is not serving what the route server published: Traefik did not load the last rediacc-routes\.yml: 1 published router\(s\) not loaded \(http\/auto-web-2816\).* Traefik logged: .*field not found, node: x/);
  assert.deepEqual(diagnose(status(null), 'server-1'), [], 'a synced Traefik is no finding');
  assert.ok(!diagnose(status(cause, false), 'server-1').some((f) => f.includes('not serving what')), 'a stopped Traefik is reported as such, not as a mismatch');
});

test('diagnose: a backend Traefik\'s health check holds DOWN names its repo, service, address and container', () => {
  const s = status(null);
  if (s.router.health) s.router.health.unhealthy = [
    { networkId: 2816, service: 'web', container: 'shop-web-1', address: '127.0.11.2:3000', check: 'HTTP GET /healthz', traefikService: 'auto-web-2816' },
    { networkId: null, service: null, container: null, address: '127.0.11.9:5432', check: 'TCP connect', traefikService: 'auto-db-2816-tcp-5432' },
  ];
  assert.deepEqual(diagnose(s, 'server-1', { 2816: 'shop' }), [
    'Service web of repo shop (network 2816) → 127.0.11.2:3000 (container shop-web-1): health check failing (HTTP GET /healthz); Traefik took it out of rotation, so its routes answer 503 until it passes again. See rdc repo logs shop web.',
    'Traefik service auto-db-2816-tcp-5432 → 127.0.11.9:5432: health check failing (TCP connect); Traefik took it out of rotation, so its routes answer 503 until it passes again. See its container\'s logs.',
  ]);
});
