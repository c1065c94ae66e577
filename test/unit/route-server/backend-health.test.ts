import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downServers, hostPort, nameBackends } from '../../../src/renet/route-server/backend-health.js';
import type { TraefikRawData } from '../../../src/renet/route-server/proxy-compare.js';

/** The shape of Traefik 3.7's /api/rawdata for services with health checks (as read in test/e2e/route-server-health.test.ts). */
const raw: TraefikRawData = {
  services: {
    'auto-web-2816@file': { loadBalancer: { healthCheck: { path: '/healthz' } }, serverStatus: { 'http://127.0.11.2:3000': 'DOWN' } },
    'auto-ok-2816@file': { loadBalancer: { healthCheck: { path: '/' } }, serverStatus: { 'http://127.0.11.3:80': 'UP' } },
    'mine@file': { serverStatus: { 'http://10.0.0.1:80': 'DOWN' } },
    'api@internal': {},
  },
  tcpServices: { 'r2816-db@file': { serverStatus: { '127.0.11.4:5432': 'DOWN' } } },
};

test('downServers: only our @file services\' DOWN servers, with what Traefik probes', () => {
  assert.deepEqual(downServers(raw), [
    { kind: 'http', traefikService: 'auto-web-2816', server: 'http://127.0.11.2:3000', check: 'HTTP GET /healthz' },
    { kind: 'tcp', traefikService: 'r2816-db', server: '127.0.11.4:5432', check: 'TCP connect' },
  ]);
  assert.deepEqual(downServers({}), []);
});

test('nameBackends: the container at the server\'s address names the repo and service; none found stays null', () => {
  const containers = [{ id: 'a', name: 'shop-web-1', networkId: 2816, startedAt: '', labels: { 'rediacc.service_name': 'web', 'rediacc.service_ip': '127.0.11.2' } }];
  const [web, db] = nameBackends(downServers(raw), containers);
  assert.deepEqual(web, { kind: 'http', traefikService: 'auto-web-2816', server: 'http://127.0.11.2:3000', check: 'HTTP GET /healthz', address: '127.0.11.2:3000', networkId: 2816, service: 'web', container: 'shop-web-1' });
  assert.deepEqual([db?.address, db?.networkId, db?.service, db?.container], ['127.0.11.4:5432', null, null, null]);
});

test('hostPort spells out the scheme\'s default port', () => {
  assert.equal(hostPort('http://127.0.11.2'), '127.0.11.2:80');
  assert.equal(hostPort('https://127.0.11.2/x'), '127.0.11.2:443');
  assert.equal(hostPort('h2c://127.0.11.2:9000'), '127.0.11.2:9000');
});
