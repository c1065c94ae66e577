import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildRoutes } from '../../../src/renet/route-server/build-routes.js';
import { decodeTraefikLabels } from '../../../src/renet/route-server/decode-labels.js';
import type { KeyNode } from '../../../src/renet/route-server/key-tree.js';
import { LIMITS } from '../../../src/renet/route-server/limits.js';
import { emptyState, type ContainerInfo } from '../../../src/renet/route-server/model.js';
import { fieldRole } from '../../../src/renet/route-server/references.js';
import { TRAEFIK_KEYS } from '../../../src/renet/route-server/traefik-keys.generated.js';
import { hostBound, checkRule } from '../../../src/core/traefik/rule.js';
import { BASE_SETTINGS } from './settings.js';

/** Every leaf of the key tree as [role path, shape]; `[]` marks list items, `{}` map values. */
function leaves(node: KeyNode, path: string, out: [string, KeyNode][] = []): [string, KeyNode][] {
  if (typeof node !== 'object') out.push([path, node]);
  else if ('fields' in node) for (const [k, v] of Object.entries(node.fields)) leaves(v, `${path}.${k}`, out);
  else if ('list' in node) leaves(node.list, `${path}[]`, out);
  else leaves(node.map, `${path}{}`, out);
  return out;
}
const ALL = Object.entries(TRAEFIK_KEYS).flatMap(([prefix, node]) => leaves(node, prefix));

/**
 * Options whose name looks like a reference (to an object, a file, an address, a certificate or a
 * cookie scope) but were read and found to be plain text that stays inside the repo's own traffic.
 */
const REVIEWED_PLAIN = new Set([
  'http.services.loadBalancer.sticky.cookie.name', 'http.services.weighted.sticky.cookie.name',
  'http.services.loadBalancer.healthCheck.hostname', // the Host header of the repo's own health checks
  'http.services.loadBalancer.healthCheck.headers{}', 'http.middlewares.headers.sslHost', 'http.middlewares.headers.allowedHosts[]',
  'http.middlewares.headers.hostsProxyHeaders[]', 'http.middlewares.headers.sslProxyHeaders{}',
  'http.middlewares.basicAuth.headerField', 'http.middlewares.digestAuth.headerField', 'http.middlewares.forwardAuth.headerField',
  'http.middlewares.rateLimit.redis.username', 'http.middlewares.rateLimit.redis.password',
  'http.middlewares.rateLimit.sourceCriterion.requestHeaderName', 'http.middlewares.headers.customFrameOptionsValue', 'http.middlewares.inFlightReq.sourceCriterion.requestHeaderName',
]);
const REFERENCE_LIKE = /service|middleware|transport|address|url|endpoint|file|options|resolver|domain|host|name|sans|main|^ca$|^cert$|^key$|plugin|syntax|rule|entrypoint/i;

describe('hostile labels, class-wide', () => {
  test('every option of Traefik\'s key tree that looks like a reference has a role (or was reviewed as plain)', () => {
    const unclassified = ALL.filter(([path, shape]) => {
      if (shape !== 'string') return false; // numbers, booleans and durations name nothing
      const last = (path.split('.').pop() ?? '').replace(/[[\]{}]/g, '');
      return REFERENCE_LIKE.test(last) && fieldRole(path) === undefined && !REVIEWED_PLAIN.has(path);
    }).map(([p]) => p);
    assert.deepEqual(unclassified, []);
    // The roles name real options, not typos that would silently check nothing.
    for (const role of ['http.middlewares.errors.service', 'http.middlewares.chain.middlewares[]', 'http.middlewares.forwardAuth.address', 'http.services.mirroring.mirrors[].name']) {
      assert.ok(ALL.some(([p]) => p === role), `${role} is in the key tree`);
    }
  });

  test('every whole-number and duration option of the tree refuses what Traefik would refuse the whole config for', () => {
    const typed = ALL.filter(([, shape]) => shape === 'number' || shape === 'duration');
    assert.ok(typed.length > 30, `found ${typed.length} typed options`);
    for (const [path, shape] of typed) {
      if (path.includes('[]') || path.includes('{}')) continue;
      const [section, kind, ...rest] = path.split('.');
      const key = `traefik.${section}.${kind}.x.${rest.join('.')}`;
      for (const bad of shape === 'number' ? ['1.5', '1e3', '99999999999', 'ten'] : ['soon', '10 s', '-5s', '99999999999999h', '999999h999999h999999h', '9999999999']) {
        const { errors } = decodeTraefikLabels({ [key]: bad });
        assert.equal(errors.length, 1, `${key}=${bad} should be refused`);
        assert.ok(errors[0]?.startsWith(key), `the error names the label: ${errors[0]}`);
      }
      const good = decodeTraefikLabels({ [key]: shape === 'number' ? '3' : '1m30s' });
      assert.deepEqual(good.errors, [], `${key} takes a good value`);
    }
  });

  test('characters the real Traefik refuses raw (it reads the config as YAML) are refused in keys and values', () => {
    for (const bad of ['\u007f', '\u0085x\u0090', '\ufffe', '\uffff', '\ud800', 'x\udc00', '\r\n', '\u0000', '\u001b']) {
      assert.match(decodeTraefikLabels({ 'traefik.http.middlewares.h.headers.customrequestheaders.X-A': `a${bad}b` }).errors.join(''), /control character or invalid Unicode/, JSON.stringify(bad));
    }
    for (const good of ['\t', 'é', '😀', '\u2028', '\ufeff']) {
      assert.deepEqual(decodeTraefikLabels({ 'traefik.http.middlewares.h.headers.customrequestheaders.X-A': `a${good}b` }).errors, [], JSON.stringify(good));
    }
  });

  test('over the label count or the per-kind count the container is skipped, naming the limit', () => {
    const many = Object.fromEntries(Array.from({ length: LIMITS.labels + 1 }, (_, i) => [`traefik.http.middlewares.m${i}.compress`, 'true']));
    assert.match(decodeTraefikLabels(many).errors.join('\n'), new RegExp(`${LIMITS.labels + 1} traefik.\\* labels; the limit is ${LIMITS.labels}`));
    const kinds = Object.fromEntries(Array.from({ length: LIMITS.perKind + 1 }, (_, i) => [`traefik.http.middlewares.m${i}.compress`, 'true']));
    assert.match(decodeTraefikLabels(kinds).errors.join('\n'), new RegExp(`traefik.http.middlewares: ${LIMITS.perKind + 1} defined; the limit is ${LIMITS.perKind}`));
  });

  test('a hostile container never changes what the other repos get', () => {
    const good: ContainerInfo = { id: 'g', name: 'good', networkId: 2816, startedAt: '2026-01-01T00:00:00Z', labels: { 'rediacc.service_name': 'web', 'rediacc.service_ip': '127.0.11.2' } };
    const alone = buildRoutes([good], BASE_SETTINGS, emptyState());
    const labelSets: Record<string, string>[] = [
      { 'traefik.http.routers.x.rule': 'PathPrefix(`/`)', 'traefik.http.routers.x.priority': '9999' },
      { 'traefik.http.routers.x.rule': 'Host(`web-2816.example.com`)' },
      { 'traefik.http.routers.x.rule': 'HostRegexp(`^.*$`) && Host(`x.example.net`) || Method(`GET`)' },
      { [`traefik.http.routers.${'x'.repeat(5000)}.rule`]: 'Host(`x.example.net`)' },
      { 'traefik.http.routers.x.rule': 'Host(`x.example.net`)', 'traefik.http.routers.x.middlewares': 'auto-web-2816@http' },
      { 'traefik.http.routers.x.rule': 'Host(`x.example.net`)', 'traefik.http.routers.x.service': 'auto-web-2816@http' },
    ];
    const hostile: ContainerInfo[] = labelSets.map((labels, i) => ({ id: `h${i}`, name: `hostile-${i}`, networkId: 2880, startedAt: `2025-01-01T00:00:0${i}Z`, labels: { 'rediacc.service_name': `h${i}`, 'rediacc.service_ip': `127.0.11.${66 + i}`, 'traefik.enable': 'true', ...labels } }));
    const withHostile = buildRoutes([good, ...hostile], BASE_SETTINGS, emptyState());
    assert.deepEqual(withHostile.dynamic, alone.dynamic, 'the hostile containers (started earlier!) add nothing');
    assert.equal(withHostile.errors.length, hostile.length, 'each is reported');
    assert.deepEqual(withHostile.state.hostClaims, { 'web-2816.example.com': 2816 });
  });
});

describe('host bound of a rule', () => {
  const bound = (rule: string, kind: 'http' | 'tcp' = 'http') => hostBound(checkRule(rule, kind).ast as never);
  test('pinned rules', () => {
    assert.deepEqual(bound('Host(`A.example.com`) && PathPrefix(`/api`)'), { any: false, hosts: ['a.example.com'], regexps: [] });
    assert.deepEqual(bound('(Host(`a.x`) || Host(`b.x`)) && !Path(`/admin`)'), { any: false, hosts: ['a.x', 'b.x'], regexps: [] });
    assert.deepEqual(bound('Method(`GET`) && HostRegexp(`^a-1\\.x$`)'), { any: false, hosts: [], regexps: ['^a-1\\.x$'] });
    assert.deepEqual(bound('HostSNI(`db.x`)', 'tcp'), { any: false, hosts: ['db.x'], regexps: [] });
    assert.deepEqual(bound('HostRegexp(`.+`) && Host(`a.x`)'), { any: false, hosts: ['a.x'], regexps: [] }, 'a name bounds it better than a regexp, in any order');
  });
  test('rules that can match any host', () => {
    for (const rule of ['PathPrefix(`/`)', '!Host(`a.x`)', 'Host(`a.x`) || Path(`/`)', '!(!Host(`a.x`))', 'Header(`Host`, `a.x`)', 'ClientIP(`0.0.0.0/0`)']) {
      assert.deepEqual(bound(rule), { any: true }, rule);
    }
    assert.deepEqual(bound('HostSNI(`*`)', 'tcp'), { any: true });
  });
});

describe('names a label chooses are names like any other', () => {
  test('a router, service or middleware named after an Object.prototype member is routed (not dropped, nothing written onto built-ins)', () => {
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__']) {
      const c: ContainerInfo = { id: 'p', name: 'proto', networkId: 2816, startedAt: '2026-01-01T00:00:00Z', labels: {
        'rediacc.service_name': 'web', 'rediacc.service_ip': '127.0.11.2', 'traefik.enable': 'true',
        [`traefik.http.routers.${name}.rule`]: 'Host(`app.example.org`)', [`traefik.http.routers.${name}.middlewares`]: name,
        [`traefik.http.middlewares.${name}.headers.customrequestheaders.${name}`]: 'x',
        [`traefik.http.services.${name}.loadbalancer.server.port`]: '8080',
      } };
      const r = buildRoutes([c], BASE_SETTINGS, emptyState());
      assert.deepEqual(r.errors, [], name);
      const routers = (r.dynamic.http as { routers: Record<string, { rule: string; service: string; middlewares: string[] }> }).routers;
      assert.equal(routers[`r2816-${name}`]?.rule, 'Host(`app.example.org`)', `${name}: ${JSON.stringify(routers)}`);
      assert.equal(routers[`r2816-${name}`]?.service, `r2816-${name}`);
      assert.deepEqual(routers[`r2816-${name}`]?.middlewares, [`r2816-${name}`]);
      const mw = (r.dynamic.http as { middlewares: Record<string, { headers: { customRequestHeaders: Record<string, string> } }> }).middlewares[`r2816-${name}`];
      assert.equal(JSON.stringify(mw), JSON.stringify({ headers: { customRequestHeaders: { [name]: 'x' } } }));
      const servers = JSON.stringify((r.dynamic.http as { services: Record<string, unknown> }).services[`r2816-${name}`]);
      assert.match(servers, /http:\/\/127\.0\.11\.2:8080/);
    }
    for (const f of [Object, Object.prototype.toString, Object.prototype.valueOf]) assert.equal((f as unknown as { rule?: string }).rule, undefined, 'nothing written onto a built-in');
  });
});

describe('one option, one label', () => {
  test('two spellings of the same option are refused, naming both (no silent winner)', () => {
    for (const [a, b] of [
      ['traefik.http.routers.x.rule', 'traefik.http.routers.x.RULE'],
      ['traefik.http.routers.x.priority', 'traefik.HTTP.Routers.x.Priority'],
      ['traefik.http.middlewares.h.headers.customrequestheaders.X-A', 'traefik.http.middlewares.h.headers.customRequestHeaders.x-a'],
    ] as const) {
      const { errors } = decodeTraefikLabels({ [a]: 'Host(`a.example.org`)', [b]: 'PathPrefix(`/`)' });
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(errors[0] ?? '', /sets the same option as .* \(label keys are case-insensitive\); keep one/);
    }
    // Names stay case-sensitive: routers x and X are two routers.
    assert.deepEqual(decodeTraefikLabels({ 'traefik.http.routers.x.rule': 'Host(`a.example.org`)', 'traefik.http.routers.X.rule': 'Host(`b.example.org`)' }).errors, []);
  });
});

test('rediacc.tcp_ports=22 says SSH holds it (set-infra refuses tcp 22, so registering it is no fix)', () => {
  const c: ContainerInfo = { id: 's', name: 'ssh', networkId: 2816, startedAt: '2026-01-01T00:00:00Z', labels: { 'rediacc.service_name': 'git', 'rediacc.service_ip': '127.0.11.2', 'rediacc.tcp_ports': '22' } };
  const r = buildRoutes([c], BASE_SETTINGS, emptyState());
  const messages = r.errors.flatMap((e) => e.errors).join('\n');
  assert.match(messages, /rediacc\.tcp_ports: port 22 is the server's SSH port and never a TCP entrypoint; forward another port/);
  assert.doesNotMatch(messages, /set-infra --tcp-ports 22/);
});
