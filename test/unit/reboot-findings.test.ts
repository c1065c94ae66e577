import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, type MachineStatus } from '../../src/core/status/diagnose.js';
import { dockerdArgs, repoDaemonUnit } from '../../src/core/repo/dockerd-args.js';

const base = (over: Partial<MachineStatus>, daemons: NonNullable<MachineStatus['router']['health']>['daemons'] = []): MachineStatus => ({
  traefik: { running: true, container: 'p', image: 'traefik:v3.7' },
  router: { supervisedBy: 'systemd', httpStatus: 200, health: { status: 'ok', routers: 0, services: 0, autoRoutes: 0, daemons, conflicts: [], errors: [] } },
  certResolver: 'le', baseDomain: 'example.com', backends: [], ...over,
});

test('status names a locked repo with both fixes, and an unmounted one with its own', () => {
  const f = diagnose(base({ repoVolumes: [
    { name: 'vault', networkId: 2880, volume: 'luks', mounted: false, daemon: false, state: 'locked' },
    { name: 'files', networkId: 2944, volume: 'image', mounted: false, daemon: false, state: 'unmounted' },
    { name: 'app', networkId: 2816, volume: 'directory', mounted: true, daemon: true, state: 'running' },
  ] }), 'srv');
  assert.equal(f.length, 2, f.join('\n'));
  assert.match(f[0] ?? '', /^Repo vault \(network 2880\) is locked: .*Run rdc repo up vault --mount -m srv, or rdc repo up --all -m srv for every repo\.$/);
  assert.match(f[1] ?? '', /^Repo files \(network 2944\) is not mounted \(image volume\).*rdc repo up files --mount -m srv/);
});

test('a daemon that is down says since when, why, and whether its routes were dropped', () => {
  const repoVolumes: MachineStatus['repoVolumes'] = [{ name: 'app', networkId: 2816, volume: 'directory', mounted: true, daemon: false, state: 'down' }];
  const kept = diagnose(base({ repoVolumes }, [{ networkId: 2816, ok: false, containers: 2, error: 'connect ECONNREFUSED', downSince: '2026-12-02T00:00:00.000Z' }]), 'srv');
  assert.deepEqual(kept, ['The Docker daemon of repo app (network 2816) is down since 2026-12-02T00:00:00.000Z (connect ECONNREFUSED): the last routes of its 2 container(s) are kept until the grace period ends. Run rdc repo up app -m srv.']);
  const dropped = diagnose(base({ repoVolumes }, [{ networkId: 2816, ok: false, containers: 0, error: 'connect ECONNREFUSED', downSince: '2026-12-02T00:00:00.000Z' }]), 'srv');
  assert.match(dropped[0] ?? '', /its routes were dropped after the grace period/);
  const noSocket = diagnose(base({ repoVolumes }), 'srv');
  assert.match(noSocket[0] ?? '', /^Repo app \(network 2816\) is mounted but its Docker daemon is not running/);
});

test('the repo daemon unit: an image volume is mounted by the unit, a LUKS one is waited for, a directory must exist', () => {
  const args = dockerdArgs({ socket: '/s', execRoot: '/e', pidfile: '/p', config: '/c', dataRoot: '/d' });
  const mount = "/mnt/rediacc/mounts/it's 100%";
  const image = repoDaemonUnit(2816, 'a', args, undefined, { kind: 'image', mount, image: '/mnt/rediacc/repos/x.img' });
  assert.match(image, /^ExecStartPre="\/bin\/sh" "-c" "mountpoint -q '\/mnt\/rediacc\/mounts\/it'\\\\''s 100%%' \|\| mount -o loop \/mnt\/rediacc\/repos\/x\.img '/m);
  assert.doesNotMatch(image, /^Condition/m);
  const luks = repoDaemonUnit(2816, 'a', args, undefined, { kind: 'luks', mount, image: '/x.img' });
  assert.match(luks, /^ConditionPathIsMountPoint=\/mnt\/rediacc\/mounts\/it's 100%%$/m);
  assert.doesNotMatch(luks, /ExecStartPre/);
  assert.match(repoDaemonUnit(2816, 'a', args, undefined, { kind: 'directory', mount: '/m', image: '/x' }), /^ConditionPathIsDirectory=\/m$/m);
  assert.ok(luks.indexOf('ConditionPathIsMountPoint') < luks.indexOf('[Service]'), 'conditions belong to [Unit]');
});
