import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteOwner } from '../../../src/core/protocol/route-owners.js';
import { nextNetworkId } from '../../../src/core/repo/network-alloc.js';
import { repoUrls } from '../../../src/core/repo/repo-urls.js';
import { checkSize } from '../../../src/core/repo/size.js';

const row = (r: Partial<RouteOwner>): RouteOwner => ({ kind: 'http', router: 'x', networkId: 2816, service: 'web', container: 'web-1', level: 1, hosts: [], ports: [], entryPoints: ['web'], backends: [], ...r });

test('URLs of one repo: scheme and port from each router\'s entrypoints, TCP on the public host', () => {
  const le = { certResolver: 'letsencrypt' };
  const rows = [
    row({ router: 'auto-web-2816', hosts: ['web-2816.example.com'], entryPoints: ['websecure'], tls: le }),
    row({ router: 'r2816-app', hosts: ['app.example.com', 'www.example.com'], level: 2, entryPoints: ['websecure', 'websecure-v6'], tls: le }),
    row({ router: 'r2816-path', entryPoints: ['websecure'], tls: le }),
    row({ kind: 'tcp', router: 'auto-db-2816-tcp-5432', ports: [5432], entryPoints: ['tcp-5432'] }),
    row({ router: 'auto-web-2880', hosts: ['web-2880.example.com'], networkId: 2880 }),
  ];
  const urls = repoUrls(rows, 2816, { httpPort: 80, httpsPort: 443, publicHost: '203.0.113.5' });
  assert.deepEqual(urls.map((u) => u.url), ['https://app.example.com/', 'https://web-2816.example.com/', 'https://www.example.com/', 'tcp://203.0.113.5:5432']);
  assert.ok(urls.every((u) => u.note === undefined), 'certificates from a resolver need no note');
  const plain = repoUrls([row({ router: 'auto-web-2816', hosts: ['web-2816.example.com'] })], 2816, { httpPort: 8080, httpsPort: 8443, publicHost: 'h' });
  assert.equal(plain[0]?.url, 'http://web-2816.example.com:8080/');
});

test('URLs on a machine without a resolver: web stays http, a websecure router is https on its port with the self-signed note', () => {
  const rows = [
    row({ router: 'auto-web-2816', hosts: ['web-2816.example.com'] }),
    row({ router: 'r2816-secure', hosts: ['secure.example.com'], level: 2, entryPoints: ['websecure'], tls: { certResolver: null } }),
    // A router without a tls section: the entrypoints alone say HTTPS.
    row({ router: 'r2816-old', hosts: ['old.example.com'], level: 2, entryPoints: ['websecure'] }),
  ];
  const urls = repoUrls(rows, 2816, { httpPort: 8080, httpsPort: 8443, publicHost: 'h' });
  assert.deepEqual(urls.map((u) => u.url), ['http://web-2816.example.com:8080/', 'https://old.example.com:8443/', 'https://secure.example.com:8443/']);
  assert.equal(urls[0]?.note, undefined);
  assert.match(urls[1]?.note ?? '', /self-signed/);
  assert.match(urls[2]?.note ?? '', /self-signed/);
});

test('network IDs: the lowest free 2816 + 64·n', () => {
  assert.equal(nextNetworkId([]), 2816);
  assert.equal(nextNetworkId([2816, 2944]), 2880);
});

test('volume sizes', () => {
  assert.deepEqual(checkSize('10G'), { ok: true, value: 10 * 2 ** 30 });
  assert.deepEqual(checkSize('512m'), { ok: true, value: 512 * 2 ** 20 });
  assert.equal(checkSize('1M').ok, false);
  assert.equal(checkSize('ten').ok, false);
});
