import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRouted, routeBackends, tcpEndpoints } from '../../../src/renet/rollout/backends.js';
import { demuxLogs } from '../../../src/renet/rollout/repo-docker.js';
import { BASE_SETTINGS } from '../route-server/settings.js';

const ID = 2816;
const base = (extra: Record<string, string>) => ({ 'rediacc.service_name': 'web', 'rediacc.service_ip': '127.0.11.2', 'rediacc.network_id': String(ID), ...extra });

describe('routed or not, and where traffic reaches a container (the route server\'s own transform)', () => {
  test('level 1 with a base domain: the auto route, port 80 by default', () => {
    const b = routeBackends(base({}), ID, BASE_SETTINGS);
    assert.deepEqual(b, { http: ['http://127.0.11.2:80'], tcp: [], udp: [] });
    assert.deepEqual(tcpEndpoints(b), [{ ip: '127.0.11.2', port: 80 }]);
  });

  test('without a base domain a plain service has no route: compose recreates it', () => {
    assert.equal(isRouted(routeBackends(base({}), ID, { ...BASE_SETTINGS, baseDomain: null })), false);
  });

  test('TCP ports and level 2 labels route too', () => {
    const db = routeBackends(base({ 'rediacc.tcp_ports': '5432' }), ID, { ...BASE_SETTINGS, baseDomain: null });
    assert.deepEqual(db, { http: [], tcp: ['127.0.11.2:5432'], udp: [] });
    const l2 = routeBackends(base({ 'traefik.enable': 'true', 'traefik.http.routers.app.rule': 'Host(`app.example.org`)', 'traefik.http.services.app.loadbalancer.server.port': '3000' }), ID, BASE_SETTINGS);
    assert.deepEqual(tcpEndpoints(l2), [{ ip: '127.0.11.2', port: 3000 }]);
  });

  test('labels the route server refuses give no route', () => {
    assert.equal(isRouted(routeBackends(base({ 'rediacc.service_port': 'http' }), ID, BASE_SETTINGS)), false);
  });
});

describe('docker logs stream', () => {
  test('multiplexed frames (stdout, stderr) joined; a TTY stream passes as is', () => {
    const frame = (stream: number, text: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0]), Buffer.from([0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
    assert.equal(demuxLogs(Buffer.concat([frame(1, 'listening\n'), frame(2, 'boom: é\n')])), 'listening\nboom: é\n');
    assert.equal(demuxLogs(Buffer.from('plain tty output\n')), 'plain tty output\n');
  });
});
