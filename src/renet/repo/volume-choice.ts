import type { VolumeKind } from '../../core/protocol/repo-reply.js';

/** What this server lacks for each kind of volume, in words for the user (empty: it can make it). */
export type VolumeLacks = Record<VolumeKind, string[]>;

/** Facts about the server that decide which volumes it can make (gathered by volume.ts). */
export interface VolumeFacts {
  deviceMapper: boolean;
  cryptsetup: boolean;
  loopControl: boolean;
  mkfsExt4: boolean;
}

/** Pure: from the facts to what each kind lacks. */
export function volumeLacks(f: VolumeFacts): VolumeLacks {
  return {
    luks: [...(f.deviceMapper ? [] : ['no device-mapper in this kernel']), ...(f.cryptsetup ? [] : ['cryptsetup is not installed'])],
    image: [...(f.loopControl ? [] : ['no loop devices (no /dev/loop-control)']), ...(f.mkfsExt4 ? [] : ['mkfs.ext4 is not installed'])],
    directory: [],
  };
}

const LABEL: Record<VolumeKind, string> = { luks: 'LUKS', image: 'loop image', directory: 'directory' };

/**
 * Pure: the kind `auto` picks (the first of luks, image, directory this server can make) and, when
 * that is not LUKS, why: "no LUKS (no device-mapper in this kernel)". A kind asked for by name is
 * never replaced, so it has no reason.
 */
export function pickVolume(wanted: VolumeKind | 'auto', lacks: VolumeLacks): { kind: VolumeKind; fallback?: string } {
  if (wanted !== 'auto') return { kind: wanted };
  const order: VolumeKind[] = ['luks', 'image', 'directory'];
  const kind = order.find((k) => lacks[k].length === 0) ?? 'directory';
  const skipped = order.slice(0, order.indexOf(kind));
  if (!skipped.length) return { kind };
  return { kind, fallback: `auto fell back to ${LABEL[kind]}: ${skipped.map((k) => `no ${LABEL[k]} (${lacks[k].join(', ')})`).join('; ')}` };
}
