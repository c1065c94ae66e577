import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { ROLLOUT_ARGS } from '../../../src/renet/rollout/candidate.js';

/**
 * The compose commands a rollout builds are valid for compose v1 (docker-compose 1.29, Debian 12's)
 * and v2: each flag is in the real binaries' own help. A missing binary fails with the reason.
 */
const help = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, [...args, '--help'], { encoding: 'utf8' });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} --help failed (is it installed? .ci/setup installs docker-compose and the compose plugin): ${(err as Error).message}`);
  }
};

for (const [name, cmd, prefix] of [['v1 (docker-compose)', 'docker-compose', []], ['v2 (docker compose)', 'docker', ['compose']]] as const) {
  describe(`rollout compose arguments on compose ${name}`, () => {
    test('up -d --no-deps SERVICE', () => {
      const [sub, ...flags] = ROLLOUT_ARGS.startOne('web');
      assert.equal(sub, 'up');
      const text = help(cmd, [...prefix, sub as string]);
      for (const f of flags.filter((a) => a.startsWith('-'))) assert.match(text, new RegExp(`(^|[\\s,])${f}\\b`, 'm'), `${f} in ${cmd} up --help`);
      assert.deepEqual(flags.slice(-1), ['web'], 'the service last, as a positional');
    });

    test('config --hash=*', () => {
      const [sub, flag] = ROLLOUT_ARGS.hashes();
      assert.match(help(cmd, [...prefix, sub as string]), /--hash/);
      assert.equal(flag, '--hash=*');
    });
  });
}
