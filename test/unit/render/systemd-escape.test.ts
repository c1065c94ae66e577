import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { emptyInfra, type Machine } from '../../../src/core/config/model.js';
import { SERVER_PATHS } from '../../../src/core/infra/server-layout.js';
import { renderInfraTree } from '../../../src/core/render/infra-tree.js';
import { execArg, pathListItem, quoteExecArg } from '../../../src/core/render/systemd-escape.js';
import { loadInfraTemplates } from '../../../src/rdc/services/templates.js';
import { FIXTURES } from '../../helpers/paths.js';

/** systemd.syntax(7): specifiers (%), variables ($) and C escapes inside double quotes. */
test('an ExecStart argument keeps %, $, quotes, backslashes, spaces and newlines as one literal argument', () => {
  assert.equal(quoteExecArg('/srv/100%h'), '"/srv/100%%h"');
  assert.equal(quoteExecArg('/opt/$HOME/x'), '"/opt/$$HOME/x"');
  assert.equal(quoteExecArg('a "b" c\\d'), '"a \\"b\\" c\\\\d"');
  assert.equal(quoteExecArg('line\nbreak\ttab'), '"line\\x0abreak\\x09tab"');
  assert.equal(execArg('/opt/rediacc/bin/renet.cjs'), '/opt/rediacc/bin/renet.cjs', 'a plain path stays bare');
  assert.equal(execArg('/srv/a b'), '"/srv/a b"');
  assert.throws(() => quoteExecArg('a\0b'), /NUL/);
  assert.throws(() => quoteExecArg(';'), /separates commands/);
});

test('a path list item escapes % and refuses what systemd cannot read back', () => {
  assert.equal(pathListItem('/var/lib/rediacc/router'), '/var/lib/rediacc/router');
  assert.equal(pathListItem('/srv/100%h/var'), '"/srv/100%%h/var"');
  assert.equal(pathListItem('/srv/a b'), '"/srv/a b"');
  for (const bad of ['/srv/a"b', '/srv/a\\b', '/srv/a\nb', 'relative']) assert.throws(() => pathListItem(bad), Error, bad);
});

/** The router unit for a hostile root prefix, golden (UPDATE_GOLDEN=1 rewrites it). */
test('the route server unit with a root prefix holding %, $ and spaces', async () => {
  const machine: Machine = {
    host: '203.0.113.7', user: 'root', port: 22, sshKey: undefined, hostKeys: [], datastore: '/mnt/rediacc',
    rootPrefix: '/srv/100%h/$USER/my dir', infra: emptyInfra(), dnsZone: undefined,
  };
  const unit = renderInfraTree('m1', machine, await loadInfraTemplates()).find((f) => f.path === SERVER_PATHS.routerUnit)?.content ?? '';
  const golden = `${FIXTURES}render/router-unit-hostile/expected.service`;
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, unit);
  assert.equal(unit, readFileSync(golden, 'utf8'));
  assert.match(unit, /^ExecStart=\/usr\/bin\/env node "\/srv\/100%%h\/\$\$USER\/my dir\/opt\/rediacc\/bin\/renet.cjs" route-server --config "\/srv\/100%%h\/\$\$USER\/my dir\/etc\/rediacc\/router.json"$/m);
  assert.match(unit, /^ReadWritePaths="\/srv\/100%%h\/\$USER\/my dir\/var\/lib\/rediacc\/router" -"\/srv\/100%%h\/\$USER\/my dir\/var\/run\/rediacc" "\/srv\/100%%h\/\$USER\/my dir\/opt\/rediacc\/proxy\/traefik"$/m);
  assert.doesNotMatch(unit.replace(/%%/g, ''), /%/, 'no single % is left for systemd to expand');
});
