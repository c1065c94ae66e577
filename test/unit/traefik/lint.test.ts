import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintTraefikDynamic } from '../../../src/core/traefik/lint-dynamic.js';
import { lintTraefikStatic, staticContext } from '../../../src/core/traefik/lint-static.js';
import { schemaErrors } from '../../helpers/schemas.js';

const where = (problems: { where: string }[]) => problems.map((p) => p.where);

test('static: a misspelt top-level key passes the schema but not rdc\'s lint', () => {
  const config = { entrypoints: { web: { address: ':80' } } };
  assert.deepEqual(schemaErrors('static', config), [], 'the schema misses it');
  assert.deepEqual(where(lintTraefikStatic(config)), ['entrypoints']);
});

test('static: :443 together with [::]:443 is a bind clash; specific addresses are fine', () => {
  const clash = { entryPoints: { a: { address: ':443' }, b: { address: '[::]:443' } } };
  assert.deepEqual(schemaErrors('static', clash), []);
  assert.match(lintTraefikStatic(clash)[0]?.message ?? '', /a, b all bind tcp\/443/);
  const fine = { entryPoints: { a: { address: '203.0.113.5:443' }, b: { address: '[2001:db8::1]:443' }, c: { address: ':443/udp' } } };
  assert.deepEqual(lintTraefikStatic(fine), []);
  const same = { entryPoints: { a: { address: '127.0.0.1:80' }, b: { address: '127.0.0.1:80' } } };
  assert.equal(lintTraefikStatic(same).length, 1);
});

test('static: @ in names, dangling references, bad addresses and key types', () => {
  const config = {
    entryPoints: {
      'web@x': { address: ':80', http: { redirections: { entryPoint: { to: 'nowhere' } }, tls: { certResolver: 'le' } } },
      bad: { address: ':99999' },
      proto: { address: ':53/sctp' },
    },
    certificatesResolvers: { cf: { acme: { email: 'a@b.c', storage: '', keyType: 'EC521' } } },
    ping: { entryPoint: 'missing' },
  };
  const w = where(lintTraefikStatic(config));
  for (const expected of ['entryPoints.web@x', 'entryPoints.web@x.http.redirections.entryPoint.to', 'entryPoints.web@x.http.tls.certResolver',
    'entryPoints.bad.address', 'entryPoints.proto.address', 'certificatesResolvers.cf.acme.storage', 'certificatesResolvers.cf.acme.keyType', 'ping.entryPoint']) {
    assert.ok(w.includes(expected), `expected a problem at ${expected}, got ${w.join(', ')}`);
  }
});

test('dynamic: references, rules, entrypoints and TLS enums the schema lets through', () => {
  const statics = staticContext({
    entryPoints: { web: { address: ':80' }, websecure: { address: ':443' }, 'udp-53': { address: ':53/udp' } },
    certificatesResolvers: { letsencrypt: { acme: { email: 'a@b.c' } } },
  });
  const config = {
    http: {
      routers: {
        app: { rule: 'Host(`a.com`,`b.com`)', service: 'nope', middlewares: ['hsts', 'sec@file', 'x@nowhere'], entryPoints: ['websecure', 'missing'], tls: { certResolver: 'cf', options: 'modern' } },
        'r@x': { rule: 'Host(`c.com`)', service: 'svc' },
      },
      services: { svc: { loadBalancer: { servers: [{ url: 'not a url' }] } } },
    },
    udp: { routers: { dns: { entryPoints: ['web'], service: 'dns' } }, services: { dns: { loadBalancer: { servers: [{ address: '127.0.0.1:5353' }] } } } },
    tls: { options: { default: { minVersion: 'TLS1.2', cipherSuites: ['TLS_MADE_UP'] } } },
  };
  assert.deepEqual(schemaErrors('dynamic', config), [], 'the schema misses all of these');
  const problems = lintTraefikDynamic(config, { provider: 'http', ...statics, external: { file: { middlewares: new Set(['security-headers']) } } });
  const w = where(problems);
  for (const expected of ['http.routers.app.rule', 'http.routers.app.service', 'http.routers.app.middlewares', 'http.routers.app.entryPoints',
    'http.routers.app.tls.certResolver', 'http.routers.app.tls.options', 'http.routers.r@x', 'http.services.svc.loadBalancer.servers[0].url',
    'udp.routers.dns.entryPoints', 'tls.options.default.minVersion', 'tls.options.default.cipherSuites']) {
    assert.ok(w.includes(expected), `expected a problem at ${expected}, got:\n${problems.map((p) => `${p.where}: ${p.message}`).join('\n')}`);
  }
  assert.equal(problems.filter((p) => p.where === 'http.routers.app.middlewares').length, 3, 'hsts (bare), sec@file (not in file), x@nowhere');
});

test('dynamic: {{ in a file-provider file is reported (Go templates run over it)', () => {
  assert.deepEqual(where(lintTraefikDynamic({}, { provider: 'file' }, 'x: "{{ .Env }}"')), ['(file)']);
});

test('static: the unauthenticated API only on a loopback `traefik` entrypoint', () => {
  const base = { api: { insecure: true, dashboard: false } };
  assert.deepEqual(where(lintTraefikStatic({ ...base, entryPoints: { traefik: { address: '127.0.0.2:7111' } } })), []);
  assert.deepEqual(where(lintTraefikStatic({ ...base, entryPoints: { web: { address: ':80' } } })), ['api.insecure']);
  assert.deepEqual(where(lintTraefikStatic({ ...base, entryPoints: { traefik: { address: ':8080' } } })), ['entryPoints.traefik.address']);
  assert.deepEqual(where(lintTraefikStatic({ ...base, entryPoints: { traefik: { address: '203.0.113.5:8080' } } })), ['entryPoints.traefik.address']);
});
