import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marker, planDns, wantedRecords, zoneFor } from '../../../src/core/plan/dns-plan.js';

test('the zone is the longest suffix among the zones the token sees', () => {
  const zones = [{ id: 'z1', name: 'example.com' }, { id: 'z2', name: 'apps.example.com' }, { id: 'z3', name: 'ample.com' }];
  assert.equal(zoneFor('apps.example.com', zones)?.id, 'z2');
  assert.equal(zoneFor('lab.example.com', zones)?.id, 'z1');
  assert.equal(zoneFor('example.org', zones), undefined);
});

test('wanted: the wildcard and every Host() inside the zone, A and AAAA', () => {
  const { wanted, outside } = wantedRecords({ zone: 'example.com', baseDomain: 'example.com', ipv4: '203.0.113.5', ipv6: '2001:db8::5', hosts: ['app.example.com', 'other.org', 'app.example.com'] });
  assert.deepEqual(wanted.map((w) => `${w.type} ${w.name} ${w.content}`), [
    'A *.example.com 203.0.113.5', 'AAAA *.example.com 2001:db8::5', 'A app.example.com 203.0.113.5', 'AAAA app.example.com 2001:db8::5',
  ]);
  assert.deepEqual(outside, ['other.org']);
});

test('plan: create, update on IP change, keep, delete ours, never touch or overwrite theirs', () => {
  const m = marker('server-1');
  const wanted = wantedRecords({ zone: 'example.com', baseDomain: 'example.com', ipv4: '203.0.113.9', hosts: ['app.example.com', 'blog.example.com', 'shop.example.com'] }).wanted;
  const ops = planDns(wanted, [
    { id: '1', type: 'A', name: '*.example.com', content: '203.0.113.5', comment: m },
    { id: '2', type: 'A', name: 'app.example.com', content: '203.0.113.9', comment: m },
    { id: '3', type: 'A', name: 'blog.example.com', content: '198.51.100.1', comment: null },
    { id: '4', type: 'A', name: 'old.example.com', content: '203.0.113.9', comment: m },
    { id: '5', type: 'A', name: 'mail.example.com', content: '198.51.100.2', comment: 'someone else' },
    { id: '6', type: 'CNAME', name: 'shop.example.com', content: 'shops.example.net', comment: null },
    { id: '7', type: 'A', name: 'x.example.com', content: '203.0.113.9', comment: marker('server-2') },
  ], 'server-1');
  assert.deepEqual(ops.map((o) => `${o.op} ${o.record.name}`), [
    'update *.example.com', 'keep app.example.com', 'conflict blog.example.com', 'conflict shop.example.com', 'delete old.example.com',
  ]);
});
