import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeTraefikLabels } from '../../../src/renet/route-server/decode-labels.js';
import { ROOT } from '../../helpers/paths.js';
import { keyTreeFromReference, renderGenerated } from '../../tools/traefik-key-tree.js';

test('the generated key tree matches Traefik v3.7.9\'s reference (regenerate with node dist/test/tools/gen-traefik-keys.js)', () => {
  assert.equal(readFileSync(`${ROOT}src/renet/route-server/traefik-keys.generated.ts`, 'utf8'), renderGenerated(keyTreeFromReference()));
});

test('labels decode case-insensitively into canonical, typed config', () => {
  const { config, servers, errors } = decodeTraefikLabels({
    'traefik.http.routers.web.EntryPoints': 'websecure, websecure-v6',
    'traefik.http.routers.web.rule': '!Method(`POST`)',
    'traefik.http.routers.web.priority': '10',
    'traefik.http.routers.web.tls': 'true',
    'traefik.http.routers.web.tls.domains[0].main': 'example.com',
    'traefik.http.routers.web.tls.domains[0].sans': '*.example.com,www.example.com',
    'traefik.http.services.web.loadbalancer.server.port': '8080',
    'traefik.http.services.web.loadbalancer.passhostheader': 'false',
    'traefik.http.middlewares.limit.ratelimit.average': '100',
    'traefik.http.middlewares.lan.ipallowlist.sourcerange': '10.0.0.0/8,192.168.0.0/16',
    'traefik.tcp.routers.db.entrypoints': 'tcp-5432',
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(config.http.routers.web, {
    entryPoints: ['websecure', 'websecure-v6'], rule: '!Method(`POST`)', priority: 10,
    tls: { domains: [{ main: 'example.com', sans: ['*.example.com', 'www.example.com'] }] },
  });
  assert.deepEqual(config.http.services.web, { loadBalancer: { passHostHeader: false } });
  assert.deepEqual(servers.http.web, { port: 8080 });
  // The name maps have no prototype (a name like `constructor` is a name like any other): compared as plain data.
  assert.deepEqual(structuredClone(config.http.middlewares), { lan: { ipAllowList: { sourceRange: ['10.0.0.0/8', '192.168.0.0/16'] } }, limit: { rateLimit: { average: 100 } } });
  assert.deepEqual(config.tcp.routers.db, { entryPoints: ['tcp-5432'] });
});

test('bad labels give one message each, naming the label', () => {
  const { errors } = decodeTraefikLabels({
    'traefik.http.routers.a.priority': 'high',
    'traefik.http.routers.a.tls': 'maybe',
    'traefik.http.middlewares.m.headers.stsincludesubdomains': 'yes',
    'traefik.http.widgets.x.y': '1',
    'traefik.http.routers.a.tls.domains.main': 'x',
  });
  assert.equal(errors.length, 5);
  assert.match(errors.join('\n'), /priority: "high" is not a whole number/);
  assert.match(errors.join('\n'), /tls: "maybe" for "tls" must be true or false/);
  assert.match(errors.join('\n'), /"yes" must be true or false/);
  assert.match(errors.join('\n'), /widgets.x.y: not a routing label/);
});
