import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteRow } from '../../../src/infra/route-rows.js';
import { nextNetworkId } from '../../../src/repo/network-alloc.js';
import { repoUrls } from '../../../src/repo/repo-urls.js';
import { checkSize } from '../../../src/repo/size.js';

const row = (r: Partial<RouteRow>): RouteRow => ({ kind: 'http', router: 'x', match: '', entryPoints: ['web'], backend: '', networkId: 2816, level: 1, ...r });

test('URLs of one repo: scheme and port from the infra, TCP on the public host', () => {
  const rows = [
    row({ router: 'auto-web-2816', match: 'web-2816.example.com' }),
    row({ router: 'r2816-app', match: 'app.example.com, www.example.com', level: 2 }),
    row({ router: 'r2816-path', match: 'websecure', entryPoints: ['websecure'] }),
    row({ kind: 'tcp', router: 'auto-db-2816-tcp-5432', match: 'tcp-5432', entryPoints: ['tcp-5432'] }),
    row({ router: 'auto-web-2880', match: 'web-2880.example.com', networkId: 2880 }),
  ];
  const urls = repoUrls(rows, 2816, { tls: true, httpPort: 80, httpsPort: 443, publicHost: '203.0.113.5' }).map((u) => u.url);
  assert.deepEqual(urls, ['https://app.example.com/', 'https://web-2816.example.com/', 'https://www.example.com/', 'tcp://203.0.113.5:5432']);
  const plain = repoUrls(rows.slice(0, 1), 2816, { tls: false, httpPort: 8080, httpsPort: 8443, publicHost: 'h' });
  assert.equal(plain[0]?.url, 'http://web-2816.example.com:8080/');
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
