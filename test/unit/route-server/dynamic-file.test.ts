import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DynamicFile, traefikFileBytes } from '../../../src/renet/route-server/dynamic-file.js';
import { compareWithTraefik, describeDiff, publishedRouters } from '../../../src/renet/route-server/proxy-compare.js';
import { tempDir } from '../../helpers/temp-dir.js';

test('{{ in the routes becomes the template that prints {{, so Traefik\'s Go templating gives back the same JSON', () => {
  const json = Buffer.from(JSON.stringify({ http: { middlewares: { 'r2816-h': { headers: { customResponseHeaders: { 'X-T': 'a{{ .Env }}}}b{{{' } } } } } }));
  const out = traefikFileBytes(json).toString();
  assert.equal(out.replaceAll('{{"{{"}}', '\u0000').includes('{{'), false, 'no {{ is left that Go would run');
  assert.equal(out.replaceAll('{{"{{"}}', '{{'), json.toString());
  const plain = Buffer.from('{"http":{}}');
  assert.equal(traefikFileBytes(plain), plain, 'bytes without {{ are passed through as they are');
});

test('the file is written by one rename from a temp file outside the watched directory, never before the first publish', async () => {
  const root = tempDir('rdc-dynfile-');
  const watched = join(root, 'dynamic');
  mkdirSync(watched);
  const file = join(watched, 'rediacc-routes.yml');
  writeFileSync(file, '{"http":{"routers":{"old":{}}}}');
  writeFileSync(join(root, '.rediacc-routes.yml.999999.tmp'), '{"half":');
  const written: string[] = [];
  const df = new DynamicFile({ file, tempDir: root, minIntervalMs: 100, log: () => {}, onWritten: (b) => written.push(b.toString()) });
  assert.equal(readFileSync(file, 'utf8'), '{"http":{"routers":{"old":{}}}}', 'a restarted route server leaves the last file until it publishes');
  assert.deepEqual(readdirSync(root).sort(), ['dynamic'], 'a crashed run\'s temp file is removed');
  df.publish(Buffer.from('{"http":{}}'));
  assert.equal(readFileSync(file, 'utf8'), '{"http":{}}', 'the first change after a quiet period is written at once');
  assert.deepEqual(readdirSync(watched), ['rediacc-routes.yml'], 'no temp file ever appears in the watched directory');
  assert.deepEqual(readdirSync(root).sort(), ['dynamic'], 'the temp file was renamed away');
  df.close();
});

test('a burst of changes costs at most one write per interval and ends on the newest bytes', async () => {
  const root = tempDir('rdc-dynfile-');
  mkdirSync(join(root, 'dynamic'));
  const file = join(root, 'dynamic', 'rediacc-routes.yml');
  const df = new DynamicFile({ file, tempDir: root, minIntervalMs: 100, log: () => {}, onWritten: () => {} });
  const t0 = Date.now();
  for (let i = 0; i < 200; i++) {
    df.publish(Buffer.from(`{"n":${i}}`));
    await new Promise((r) => setTimeout(r, 1));
  }
  await new Promise((r) => setTimeout(r, 150));
  const elapsed = Date.now() - t0;
  assert.equal(readFileSync(file, 'utf8'), '{"n":199}');
  assert.ok(df.writes <= Math.ceil(elapsed / 100) + 1, `${df.writes} writes in ${elapsed} ms`);
  assert.ok(df.writes < 200);
  df.close();
});

test('a failed write leaves the previous file and is retried with the next publish', () => {
  const root = tempDir('rdc-dynfile-');
  const file = join(root, 'missing-dir', 'rediacc-routes.yml');
  const logged: string[] = [];
  const df = new DynamicFile({ file, tempDir: root, minIntervalMs: 0, log: (l) => logged.push(l), onWritten: () => {} });
  df.publish(Buffer.from('{}'));
  assert.match(logged[0] ?? '', /writing .*rediacc-routes\.yml failed, Traefik keeps the previous routes/);
  assert.deepEqual(readdirSync(root), [], 'no temp file is left behind');
  mkdirSync(join(root, 'missing-dir'));
  df.publish(Buffer.from('{}'));
  assert.ok(existsSync(file));
  df.close();
});

test('Traefik\'s view against what was published: missing, stale (ours only) and disabled routers', () => {
  const published = publishedRouters({ http: { routers: { 'auto-web-2816': {}, 'r2816-app': {} } }, tcp: { routers: { 'auto-db-2816-tcp-5432': {} } } });
  const same = compareWithTraefik(published, {
    routers: { 'auto-web-2816@file': { status: 'enabled' }, 'r2816-app@file': { status: 'enabled' }, 'mine@file': { status: 'enabled' }, 'web-to-websecure@internal': {} },
    tcpRouters: { 'auto-db-2816-tcp-5432@file': { status: 'enabled' } },
  });
  assert.deepEqual(same, { missing: [], stale: [], failing: [] }, 'the user\'s own @file routers and internal ones are not ours');
  assert.equal(describeDiff(same, 'f.yml'), null);
  const old = compareWithTraefik(published, { routers: { 'auto-web-2816@file': { status: 'disabled', error: ['bad'] }, 'auto-gone-2880@file': {} } });
  assert.deepEqual(old.missing, ['http/r2816-app', 'tcp/auto-db-2816-tcp-5432']);
  assert.deepEqual(old.stale, ['http/auto-gone-2880']);
  assert.match(describeDiff(old, 'rediacc-routes.yml') ?? '', /^Traefik did not load the last rediacc-routes\.yml: 2 published router\(s\) not loaded \(http\/r2816-app, tcp\/auto-db-2816-tcp-5432\); 1 removed router\(s\) still loaded \(http\/auto-gone-2880\)/);
  const failing = compareWithTraefik(new Set(['http/auto-web-2816']), { routers: { 'auto-web-2816@file': { status: 'disabled', error: ['middleware "x@file" does not exist'] } } });
  assert.match(describeDiff(failing, 'f') ?? '', /Traefik disabled 1 router\(s\): http\/auto-web-2816: middleware "x@file" does not exist/);
});
