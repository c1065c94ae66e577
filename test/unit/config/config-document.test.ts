import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfigText } from '../../../src/core/config/config-document.js';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import { ConfigStore } from '../../../src/rdc/config/store.js';
import { ConfigFileError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

const HAND_EDITED = `# my servers — keep this comment
currentContext: default
contexts:
  default:
    # the production box
    machines:
      server-1:
        host: 203.0.113.50   # public address
        user: root
        owner: ops-team      # a key this rdc does not know
        infra:
          baseDomain: Example.COM
    repositories: {}
    notes: [a, b]
x-custom:
  anything: goes
`;

test('a write changes only what the command changed: comments, unknown keys and spelling stay', async () => {
  const dir = tempDir();
  const path = join(dir, 'config.yaml');
  writeFileSync(path, HAND_EDITED);
  const store = new ConfigStore(path);
  await store.update((config) => {
    const m = config.contexts.default?.machines['server-1'];
    if (m) m.infra.httpPort = 8080;
  });
  const text = readFileSync(path, 'utf8');
  for (const kept of ['# my servers — keep this comment', '# the production box', '# public address', 'owner: ops-team', '# a key this rdc does not know', 'notes: [ a, b ]', 'x-custom:', 'anything: goes', 'baseDomain: Example.COM']) {
    assert.ok(text.includes(kept), `keeps ${kept}\n${text}`);
  }
  assert.match(text, /httpPort: 8080/);
  const loaded = await store.read();
  assert.equal(loaded.config.contexts.default?.machines['server-1']?.infra.httpPort, 8080);
  // Removing a machine removes its entry, and nothing else.
  await store.update((config) => {
    delete config.contexts.default?.machines['server-1'];
  });
  const after = readFileSync(path, 'utf8');
  assert.doesNotMatch(after, /server-1|owner/);
  assert.match(after, /# my servers — keep this comment[\s\S]*x-custom:/);
});

test('a command that changes nothing leaves the file byte-identical', async () => {
  const dir = tempDir();
  const path = join(dir, 'config.yaml');
  writeFileSync(path, HAND_EDITED);
  await new ConfigStore(path).update(() => undefined);
  assert.equal(readFileSync(path, 'utf8'), HAND_EDITED);
});

test('an alias bomb is a config problem (exit 2), not a crash', async () => {
  const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
  const parsed = parseConfigText(bomb);
  assert.equal(parsed.problems.length, 1);
  assert.match(parsed.problems[0]?.message ?? '', /aliases .* expand to too much data/);
  const dir = tempDir();
  writeFileSync(join(dir, 'config.yaml'), bomb);
  await assert.rejects(new ConfigStore(join(dir, 'config.yaml')).read(), (e: unknown) => e instanceof ConfigFileError && e.exitCode === 2);
});

test('nesting 10,000 levels deep (flow lists, flow maps, block maps, block lists) is a config problem (exit 2) that says so', async () => {
  const deep = [
    `x: ${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    `x: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`,
    `x:\n${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}`,
    `x:\n${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i)}-`).join('\n')}`,
  ];
  for (const text of deep) {
    // Read whole (the unknown key x is only warned about) or refused as a config problem: never a crash.
    const parsed = parseConfigText(`contexts: {}\n${text}\n`);
    assert.doesNotMatch(JSON.stringify(parsed.problems), /call stack/i);
    const dir = tempDir();
    writeFileSync(join(dir, 'config.yaml'), `contexts: {}\n${text}\n`);
    const read = new ConfigStore(join(dir, 'config.yaml')).read();
    if (parsed.problems.length) await assert.rejects(read, (e: unknown) => e instanceof ConfigFileError && e.exitCode === 2);
    else await read;
  }
  assert.match(parseConfigText(`x: ${'['.repeat(10_000)}${']'.repeat(10_000)}`).problems[0]?.message ?? '', /nested too deeply/);
});

test('duplicate keys are found (linearly) and located', () => {
  const { problems } = parseConfigText('contexts:\n  a: {}\n  b: {}\n  a: {}\n');
  assert.deepEqual(problems, [{ where: 'line 4, column 3', message: 'the key "a" appears twice in the same mapping; keep one' }]);
});

test('a file that is no config never has its content in a message', () => {
  const secret = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';
  for (const text of [`-----BEGIN OPENSSH PRIVATE KEY-----\n${secret}\n-----END OPENSSH PRIVATE KEY-----\n`, `${secret}\n`, `- ${secret}\n`, `\x00\x01${secret}`]) {
    const parsed = parseConfigText(text);
    const problems = parsed.problems.length ? parsed.problems : parseConfig(parsed.data).errors;
    assert.ok(problems.length > 0, JSON.stringify(text.slice(0, 20)));
    assert.ok(!JSON.stringify(problems).includes(secret.slice(0, 12)), `no content in ${JSON.stringify(problems)}`);
  }
});

test('a 100 KB bad value in the file is reported cut', () => {
  const { errors } = parseConfig({ contexts: { default: { machines: { m: { host: 'h'.repeat(100_000), user: 'root', infra: { traefikImage: 'X'.repeat(100_000) } } } } } });
  assert.equal(errors.length, 2);
  for (const e of errors) assert.ok(e.message.length < 600, e.message.slice(0, 100));
});
