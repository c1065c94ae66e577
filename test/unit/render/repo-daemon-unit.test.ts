import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { dockerdArgs, repoDaemonUnit } from '../../../src/core/repo/dockerd-args.js';
import { FIXTURES } from '../../helpers/paths.js';

/** The repo daemon's systemd unit, golden (UPDATE_GOLDEN=1 rewrites it): paths with spaces, quotes and % stay one argument. */
test('repo daemon systemd unit', () => {
  const args = dockerdArgs({
    socket: '/var/run/rediacc/docker-2816.sock', execRoot: '/var/run/rediacc/exec-2816', pidfile: '/var/run/rediacc/docker-2816.pid',
    config: '/etc/rediacc/docker-2816.json', dataRoot: '/mnt/my "data" 100%/mounts/0b6c/.rediacc/docker',
  });
  const unit = repoDaemonUnit(2816, 'my-app', args);
  const golden = `${FIXTURES}render/repo-daemon-unit/expected.service`;
  if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, unit);
  assert.equal(unit, readFileSync(golden, 'utf8'));
  assert.match(unit, /"--data-root" "\/mnt\/my \\"data\\" 100%%\/mounts/);
});
