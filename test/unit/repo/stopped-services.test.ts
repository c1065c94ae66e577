import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, stoppedServices, type MachineStatus } from '../../../src/core/status/diagnose.js';
import { dockerdArgs, repoDaemonUnit } from '../../../src/core/repo/dockerd-args.js';

const healthy: MachineStatus = {
  traefik: { running: true, container: 'c', image: 'traefik:v3.7' },
  router: { supervisedBy: 'systemd', httpStatus: 200, health: { status: 'ok', routers: 1, services: 1, autoRoutes: 1, daemons: [], conflicts: [], errors: [] } },
  certResolver: 'letsencrypt', baseDomain: 'example.com', backends: [],
};

test('a repo running fewer containers than it declares: the services in Docker\'s words, and the fix', () => {
  const f = stoppedServices('shop', 2880, [{ service: 'db', status: 'Exited (137) 5 seconds ago' }, { service: 'worker', status: 'Restarting (1) 2 seconds ago' }], 3);
  assert.equal(f, 'Repo shop runs 1 of its 3 containers; not running: db (Exited (137) 5 seconds ago), worker (Restarting (1) 2 seconds ago). '
    + 'Start them again with rdc repo up shop; rdc repo logs shop SERVICE shows why they stopped.');
  assert.equal(stoppedServices('shop', 2880, [], 3), undefined);
  assert.match(stoppedServices(undefined, 2880, [{ service: 'web', status: 'Created' }], 1) ?? '', /^Repo of network 2880 runs 0 of its 1 containers; .* rdc repo up NAME/);
});

test('machine status: a finding per repo with stopped services, named as the config names it; none when all run or the daemon is down', () => {
  const status: MachineStatus = {
    ...healthy,
    repos: [
      { networkId: 2816, ok: true, running: 3, declared: 3, stopped: [] },
      { networkId: 2880, ok: true, running: 2, declared: 3, stopped: [{ service: 'db', status: 'Exited (0) 1 minute ago' }] },
      { networkId: 2944, ok: false, running: 0, declared: 0, stopped: [] },
    ],
  };
  assert.deepEqual(diagnose(status, 'server-1', { 2816: 'blog', 2880: 'shop' }), [
    'Repo shop runs 2 of its 3 containers; not running: db (Exited (0) 1 minute ago). Start them again with rdc repo up shop; rdc repo logs shop SERVICE shows why they stopped.',
  ]);
  assert.deepEqual(diagnose(healthy, 'server-1'), [], 'an older renet without repos: no finding');
});

test('the systemd unit of a repo daemon captures what ran after every stop and restores it after every start; a failing hook never fails the daemon', () => {
  const args = dockerdArgs({ socket: '/s.sock', execRoot: '/e', pidfile: '/p', config: '/c', dataRoot: '/d' });
  const unit = repoDaemonUnit(2816, 'my-app', args, {
    capture: ['/usr/bin/node', '/opt/rediacc/bin/renet.cjs', 'repo-daemon', 'capture', '--data-root', '/d', '--file', '/r 100%.json'],
    restore: ['/usr/bin/node', '/opt/rediacc/bin/renet.cjs', 'repo-daemon', 'restore', '--socket', '/s.sock', '--file', '/r 100%.json'],
  });
  assert.match(unit, /^ExecStopPost=-\/usr\/bin\/env "\/usr\/bin\/node" "\/opt\/rediacc\/bin\/renet.cjs" "repo-daemon" "capture" "--data-root" "\/d" "--file" "\/r 100%%.json"$/m);
  assert.match(unit, /^ExecStartPost=-\/usr\/bin\/env .*"restore" "--socket" "\/s.sock" "--file" "\/r 100%%.json"$/m);
  assert.match(unit, /^Restart=always$/m);
  assert.doesNotMatch(repoDaemonUnit(2816, 'my-app', args), /ExecStopPost|ExecStartPost/);
});
