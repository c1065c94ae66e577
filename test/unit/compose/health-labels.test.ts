import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEALTH_DEFAULTS, parseHealthLabels } from '../../../src/core/compose/health-labels.js';

const path = (p: string) => parseHealthLabels({ 'rediacc.healthcheck.path': p });

test('healthcheck.path: a plain absolute path (with a query) is kept', () => {
  for (const p of ['/', '/health', '/api/v1/ready?full=1', '/a%2Fb', '/x/../y']) {
    assert.deepEqual(path(p), { settings: { ...HEALTH_DEFAULTS, path: p }, errors: [] }, p);
  }
});

test('healthcheck.path: anything that is not one path on the backend is refused, naming the label (a `//host` reference names another host)', () => {
  for (const p of ['//evil.example/x', '///x', 'health', '', ' /health', '/a b', '/"x', "/'x", '/a\\b', `/${'a'.repeat(256)}`, '/\u00e9', '/a\nb']) {
    const r = path(p);
    assert.equal(r.settings.path, undefined, p);
    assert.equal(r.errors.length, 1, p);
    assert.match(r.errors[0] as string, /^rediacc\.healthcheck\.path=.* must be a URL path starting with a single "\/"/, p);
  }
});

test('durations: Go\'s syntax, fractions included (the route server reads the same); zero only for the drain; negative, unitless or over an hour refused, each naming its label', () => {
  assert.equal(parseHealthLabels({ 'rediacc.drain_timeout': '0' }).settings.drainTimeoutMs, 0);
  assert.equal(parseHealthLabels({ 'rediacc.drain_timeout': '0s' }).settings.drainTimeoutMs, 0);
  assert.equal(parseHealthLabels({ 'rediacc.healthcheck.wait': '1m30s' }).settings.waitMs, 90_000);
  assert.equal(parseHealthLabels({ 'rediacc.healthcheck.interval': '1.5s' }).settings.intervalMs, 1500);
  assert.equal(parseHealthLabels({ 'rediacc.drain_timeout': '250us' }).settings.drainTimeoutMs, 1, 'rounded up to whole ms');
  const bad: Record<string, string[]> = {
    'rediacc.healthcheck.interval': ['0', '0s', '50ms', '-1s', '0.05s', '5', '2h', '1h1ms', '99999999s'],
    'rediacc.healthcheck.timeout': ['0ms', ' ', 's'],
    'rediacc.healthcheck.wait': ['999ms', '1d'],
    'rediacc.drain_timeout': ['-0', '-5s', '61m', '00'],
  };
  for (const [label, values] of Object.entries(bad)) {
    for (const v of values) {
      const r = parseHealthLabels({ [label]: v });
      assert.equal(r.errors.length, 1, `${label}=${v}`);
      assert.ok((r.errors[0] as string).startsWith(`${label}=`), `${label}=${v}: ${r.errors[0]}`);
    }
  }
});
