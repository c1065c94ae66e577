import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { BIN } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);

test('concurrent rdc processes never lose an update (lock + atomic replace)', async () => {
  const dir = tempDir();
  const env = { ...process.env, RDC_CONFIG: join(dir, 'config.yaml'), NO_COLOR: '1' };
  const names = Array.from({ length: 12 }, (_, i) => `m${i}`);
  await Promise.all(names.map((n, i) => run(process.execPath, [BIN, 'context', 'add-machine', n, '--ip', `10.0.0.${i + 1}`, '--user', 'root', '--no-scan'], { env })));
  const config = parse(readFileSync(join(dir, 'config.yaml'), 'utf8')) as { contexts: { default: { machines: Record<string, unknown> } } };
  assert.deepEqual(Object.keys(config.contexts.default.machines).sort(), [...names].sort());
  // Interleaved set-infra on the same machine: every field lands.
  await Promise.all([
    run(process.execPath, [BIN, 'context', 'set-infra', 'm0', '--public-ipv4', '203.0.113.1'], { env }),
    run(process.execPath, [BIN, 'context', 'set-infra', 'm0', '--base-domain', 'example.com'], { env }),
    run(process.execPath, [BIN, 'context', 'set-infra', 'm0', '--tcp-ports', '25'], { env }),
  ]);
  const { stdout } = await run(process.execPath, [BIN, 'context', 'show-infra', 'm0', '--json'], { env });
  const infra = (JSON.parse(stdout) as { infra: { publicIPv4: string; baseDomain: string; tcpPorts: number[] } }).infra;
  assert.deepEqual([infra.publicIPv4, infra.baseDomain, infra.tcpPorts], ['203.0.113.1', 'example.com', [25]]);
});
