import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickVolume, volumeLacks } from '../../../src/renet/repo/volume-choice.js';

const all = { deviceMapper: true, cryptsetup: true, loopControl: true, mkfsExt4: true };

test('auto picks LUKS when the server can make it, and says nothing', () => {
  assert.deepEqual(pickVolume('auto', volumeLacks(all)), { kind: 'luks' });
});

test('auto falling back to a loop image says why LUKS was not made', () => {
  assert.deepEqual(pickVolume('auto', volumeLacks({ ...all, deviceMapper: false })),
    { kind: 'image', fallback: 'auto fell back to loop image: no LUKS (no device-mapper in this kernel)' });
  assert.deepEqual(pickVolume('auto', volumeLacks({ ...all, cryptsetup: false })),
    { kind: 'image', fallback: 'auto fell back to loop image: no LUKS (cryptsetup is not installed)' });
});

test('auto falling back to a directory says why for each kind it skipped', () => {
  assert.deepEqual(pickVolume('auto', volumeLacks({ deviceMapper: false, cryptsetup: true, loopControl: false, mkfsExt4: true })), {
    kind: 'directory',
    fallback: 'auto fell back to directory: no LUKS (no device-mapper in this kernel); no loop image (no loop devices (no /dev/loop-control))',
  });
  assert.match(pickVolume('auto', volumeLacks({ deviceMapper: false, cryptsetup: false, loopControl: true, mkfsExt4: false })).fallback ?? '',
    /no LUKS \(no device-mapper in this kernel, cryptsetup is not installed\); no loop image \(mkfs\.ext4 is not installed\)$/);
});

test('a kind asked for by name is kept and has no fallback reason', () => {
  const none = volumeLacks({ deviceMapper: false, cryptsetup: false, loopControl: false, mkfsExt4: false });
  for (const kind of ['luks', 'image', 'directory'] as const) assert.deepEqual(pickVolume(kind, none), { kind });
});
