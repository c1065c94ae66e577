import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parsePins } from '../../../src/core/repo/rollout-pins.js';
import { readPins, setPin, switchedTo } from '../../../src/renet/rollout/switch.js';

const OLD = '127.0.11.2';
const NEW = '127.0.11.62';
const published = (ip: string) => ({
  http: { services: { 'auto-web-2816': { loadBalancer: { servers: [{ url: `http://${ip}:8080` }] } }, 'auto-other-2816': { loadBalancer: { servers: [{ url: 'http://127.0.11.5:80' }] } } } },
  tcp: { services: { 'auto-web-2816-tcp-5432': { loadBalancer: { servers: [{ address: `${ip}:5432` }] } } } },
});
const loaded = (ip: string) => ({
  services: { 'auto-web-2816@file': { loadBalancer: { servers: [{ url: `http://${ip}:8080` }] } } },
  tcpServices: { 'auto-web-2816-tcp-5432@file': { loadBalancer: { servers: [{ address: `${ip}:5432` }] } } },
});

describe('the switch', () => {
  test('done when the route server publishes only the new address and Traefik loaded exactly that', () => {
    assert.equal(switchedTo(published(NEW), loaded(NEW), NEW, OLD), true);
    assert.equal(switchedTo(published(NEW), loaded(OLD), NEW, OLD), false, 'Traefik still serves the old one');
    assert.equal(switchedTo(published(OLD), loaded(OLD), NEW, OLD), false, 'the route server has not taken the pin yet');
    const both = { http: { services: { 'auto-web-2816': { loadBalancer: { servers: [{ url: `http://${OLD}:8080` }, { url: `http://${NEW}:8080` }] } } } } };
    assert.equal(switchedTo(both, loaded(NEW), NEW, OLD), false, 'both published');
    assert.equal(switchedTo({}, {}, NEW, OLD), false, 'nothing published for it');
    const halfLoaded = { services: loaded(NEW).services, tcpServices: loaded(OLD).tcpServices };
    assert.equal(switchedTo(published(NEW), halfLoaded, NEW, OLD), false, 'every service of it must have moved');
  });

  test('pins: written root-only, merged per service, removed with the last pin', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rdc-pins-')), 'pins');
    try {
      setPin(dir, 2816, 'web', 'a'.repeat(64));
      setPin(dir, 2816, 'api', 'b'.repeat(64));
      const file = join(dir, '2816.json');
      assert.deepEqual(parsePins(readFileSync(file, 'utf8')).services, { api: 'b'.repeat(64), web: 'a'.repeat(64) });
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      setPin(dir, 2816, 'web', undefined);
      assert.deepEqual(parsePins(readFileSync(file, 'utf8')).services, { api: 'b'.repeat(64) });
      setPin(dir, 2816, 'api', undefined);
      assert.equal(existsSync(file), false);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  test('pins: a symlinked file is not followed (nor its target written), a FIFO is not waited on: both read as no pin', () => {
    const root = mkdtempSync(join(tmpdir(), 'rdc-pins-odd-'));
    const dir = join(root, 'pins');
    try {
      mkdirSync(dir, { mode: 0o700 });
      const target = join(root, 'elsewhere.json');
      writeFileSync(target, `{"services":{"web":"${'c'.repeat(64)}"}}`);
      symlinkSync(target, join(dir, '2816.json'));
      assert.deepEqual(readPins(dir, 2816).services, {});
      setPin(dir, 2816, 'api', 'b'.repeat(64));
      assert.equal(lstatSync(join(dir, '2816.json')).isFile(), true, 'the link is replaced by the file');
      assert.deepEqual(parsePins(readFileSync(target, 'utf8')).services, { web: 'c'.repeat(64) }, 'the target is untouched');
      execFileSync('mkfifo', [join(dir, '2880.json')]);
      assert.deepEqual(readPins(dir, 2880).services, {});
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
