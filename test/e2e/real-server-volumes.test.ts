import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startRealSession, type RealSession } from '../helpers/real-server/index.js';

/**
 * Volumes on a real Debian 12 server (loop devices passed in), as `deploy`: the example app on a
 * plain loop image (`--volume image`) serves, and after a reboot its daemon unit mounts the image
 * again by itself (ExecStartPre) and it serves with no rdc command; `repo status` says why `auto`
 * did not make a LUKS volume.
 */
describe('loop image volumes on a real server', () => {
  let s: RealSession;
  const domain = 'volumes.test';
  const APP = 2816;
  const AUTO = 2880;
  /** What the kernel shows mounted on the repo's mount point: "SOURCE FSTYPE". */
  const mountOf = async (networkId: number) => {
    const mount = (await s.host.sh(`systemctl show -p ExecStartPre --value rediacc-repo-${networkId}`)).match(/\/[^\s;'\"]*\/mounts\/[0-9a-f-]{36}/)?.[0];
    assert.ok(mount, `the unit of ${networkId} names its mount point`);
    return (await s.host.sh(`findmnt -n -o SOURCE,FSTYPE --mountpoint ${mount}`)).trim();
  };

  before(async () => {
    s = await startRealSession('volumes', { loopDevices: true });
    await s.addMachine('srv', 'deploy');
    await s.ok(['context', 'set-infra', 'srv', '--public-ipv4', s.host.address, '--base-domain', domain]);
    await s.ok(['context', 'push-infra', 'srv']);
  });
  after(async () => s?.stop());

  test('repo up --volume image: the example app on a plain loop image (ext4 on /dev/loopN) answers', async () => {
    const up = await s.ok(['repo', 'up', 'my-app', '-m', 'srv', '--path', s.exampleSource('my-app', `app.${domain}`), '--mount', '--volume', 'image', '--network-id', String(APP)]);
    assert.match(up.stdout, /volume +image \(plain loop image, NOT encrypted\)/);
    assert.match(await mountOf(APP), /^\/dev\/loop\d+ ext4$/);
    assert.match((await s.answering(`web-${APP}.${domain}`)).body, /Hello from rdc's example app/);
    assert.equal((await s.answering(`app.${domain}`)).status, 200);
    const st = await s.ok(['repo', 'status', 'my-app']);
    assert.match(st.stdout, /volume +image \(plain loop image, NOT encrypted\), mounted/);
    assert.doesNotMatch(st.stdout, /why/, 'an image asked for by name did not fall back');
  });

  test('repo status says why --volume auto did not make a LUKS volume here', async () => {
    const src = join(s.dir, 'src', 'auto');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'Rediaccfile'), 'up() { :; }\n');
    const up = (await s.ok(['repo', 'up', 'auto', '-m', 'srv', '--path', src, '--mount', '--size', '64M', '--network-id', String(AUTO)])).stdout;
    // What this kernel and this server lack, asked of them directly (the full image has no cryptsetup).
    const dm = (await s.host.sh('grep -c device-mapper /proc/misc || true')).trim() !== '0';
    const cryptsetup = (await s.host.ssh('root', 'command -v cryptsetup')).code === 0;
    assert.equal(cryptsetup, false);
    const why = `auto fell back to loop image: no LUKS (${[dm ? '' : 'no device-mapper in this kernel', 'cryptsetup is not installed'].filter(Boolean).join(', ')})`;
    const text = (await s.ok(['repo', 'status', 'auto'])).stdout;
    assert.match(text, /volume +image \(plain loop image, NOT encrypted\), mounted/);
    assert.ok(text.split('\n').some((l) => /^ *why +/.test(l) && l.trim().endsWith(why)), text);
    const json = JSON.parse((await s.ok(['--json', 'repo', 'status', 'auto'])).stdout) as { volume: string; volumeFallback?: string };
    assert.deepEqual([json.volume, json.volumeFallback], ['image', why]);
    assert.ok(up.split('\n').some((l) => /^ *why +/.test(l) && l.trim().endsWith(why)), `repo up says it too:\n${up}`);
    assert.match(await mountOf(AUTO), /^\/dev\/loop\d+ ext4$/);
  });

  test('after a reboot, with no rdc command, the unit mounts the image again and the app serves', async () => {
    await s.host.reboot({ until: 'ssh' });
    assert.match((await s.answering(`web-${APP}.${domain}`, 120_000)).body, /Hello from rdc's example app/);
    assert.equal((await s.answering(`app.${domain}`)).status, 200);
    assert.equal((await s.host.sh(`systemctl is-active rediacc-repo-${APP} rediacc-repo-${AUTO}`)).trim(), 'active\nactive');
    assert.match(await mountOf(APP), /^\/dev\/loop\d+ ext4$/);
    assert.match(await mountOf(AUTO), /^\/dev\/loop\d+ ext4$/);
    assert.match((await s.ok(['repo', 'status', 'my-app'])).stdout, /volume +image \(plain loop image, NOT encrypted\), mounted/);
  });
});
