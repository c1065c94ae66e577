import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../../src/core/traefik/rule.js';

test('accepts v3 HTTP rules and collects their hosts', () => {
  const r = checkRule('Host(`App.example.com`) && (PathPrefix(`/api`) || !Method(`POST`)) || Host("b.example.com")', 'http');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.hosts, ['app.example.com', 'b.example.com']);
  assert.deepEqual(checkRule('Header(`X-Env`, `prod`) && Query(`debug`) && ClientIP(`10.0.0.0/8`)', 'http').errors, []);
  assert.deepEqual(checkRule('Host(`*.example.com`)', 'http').errors, []);
});

test('accepts v3 TCP rules', () => {
  assert.deepEqual(checkRule('HostSNI(`*`)', 'tcp').errors, []);
  assert.deepEqual(checkRule('HostSNI(`mail.example.com`)', 'tcp').hosts, ['mail.example.com']);
});

const bad: [string, 'http' | 'tcp', RegExp][] = [
  ['Host(`a.com`,`b.com`)', 'http', /takes 1 value/],
  ["Host('a.com')", 'http', /single quotes/],
  ['Host(`a.com`', 'http', /expected ',' or '\)'/],
  ['Host(`a.com) || Host(`b.com`)', 'http', /not a host name|expected/],
  ['Headers(`X`, `y`)', 'http', /unknown HTTP matcher Headers/],
  ['HostSNI(`a.com`)', 'http', /HostSNI is a TCP matcher/],
  ['Host(`a.com`)', 'tcp', /Host is a HTTP matcher/],
  ['PathRegexp(`[`)', 'http', /not a valid regular expression/],
  ['ClientIP(`10.0.0.0/99`)', 'http', /not an IP address or CIDR/],
  ['Path(`api`)', 'http', /must start with '\/'/],
  ['', 'http', /empty/],
  ['Host(`a.com`) &&', 'http', /expected a matcher/],
  ['Host(`a.com`) Host(`b.com`)', 'http', /unexpected Host/],
  ['Host(`a.com`) ; rm -rf /', 'http', /unexpected character/],
  ['Host(`a.com`)`) || Host(`evil.com`)', 'http', /unexpected|unterminated/],
];
for (const [rule, kind, message] of bad) {
  test(`rejects ${kind} rule ${JSON.stringify(rule)}`, () => {
    const r = checkRule(rule, kind);
    assert.ok(r.errors.length > 0, 'expected an error');
    assert.match(r.errors.join('\n'), message);
  });
}
