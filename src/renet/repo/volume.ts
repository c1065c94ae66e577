import { accessSync, closeSync, constants, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { hostExec } from '../infra/host-exec.js';
import { mountPoints } from '../local.js';
import type { RepoRequest } from '../../core/protocol/repo-request.js';
import type { VolumeKind } from '../../core/config/validators.js';
import type { RepoPaths } from './request.js';
import { pickVolume, volumeLacks } from './volume-choice.js';

/** Kept beside the image: what renet needs to know to open the volume again (never the credential). */
export interface VolumeMeta {
  kind: VolumeKind;
  name: string;
  networkId: number;
  sizeBytes: number;
  /** LUKS: the mapped device got its filesystem (done on first open, since formatting needs the mapping). */
  formatted: boolean;
  /** Why `auto` did not make a LUKS volume here (kept so `repo status` can say it later). */
  fallback?: string;
}

export function readMeta(p: RepoPaths): VolumeMeta | undefined {
  try {
    return JSON.parse(readFileSync(p.meta, 'utf8')) as VolumeMeta;
  } catch {
    return undefined;
  }
}

function writeMeta(p: RepoPaths, meta: VolumeMeta): void {
  mkdirSync(dirname(p.meta), { recursive: true, mode: 0o700 });
  writeFileAtomic.sync(p.meta, `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o600 });
}

/** What this server can offer: LUKS needs device-mapper and cryptsetup; a plain image needs loop devices. */
export function availableKinds(): Record<VolumeKind, boolean> {
  const lacks = serverLacks();
  return { luks: !lacks.luks.length, image: !lacks.image.length, directory: true };
}

export function chooseKind(wanted: RepoRequest['volume']): VolumeKind {
  return chooseVolume(wanted).kind;
}

/** The kind to make, and why `auto` fell back from LUKS when it did. */
export function chooseVolume(wanted: RepoRequest['volume']): { kind: VolumeKind; fallback?: string } {
  return pickVolume(wanted, wanted === 'auto' ? serverLacks() : { luks: [], image: [], directory: [] });
}

function serverLacks() {
  return volumeLacks({ deviceMapper: deviceMapper(), cryptsetup: onPath('cryptsetup'), loopControl: existsSync('/dev/loop-control'), mkfsExt4: onPath('mkfs.ext4') });
}

/** Creates the volume once; an existing one is left alone (its kind is what the meta says). */
export async function createVolume(req: RepoRequest, p: RepoPaths): Promise<{ meta: VolumeMeta; created: boolean }> {
  const existing = readMeta(p);
  if (existing) return { meta: existing, created: false };
  const { kind, fallback } = chooseVolume(req.volume);
  mkdirSync(dirname(p.image), { recursive: true, mode: 0o700 });
  if (kind !== 'directory') {
    const fd = openSync(p.image, 'w', 0o600);
    ftruncateSync(fd, req.sizeBytes); // sparse: takes no space until written
    closeSync(fd);
    try {
      if (kind === 'luks') await must('cryptsetup', ['luksFormat', '--batch-mode', '--type', 'luks2', '--iter-time', '1000', '--key-file', '-', p.image], req.credential);
      else await must('mkfs.ext4', ['-q', '-F', p.image]);
    } catch (err) {
      rmSync(p.image, { force: true });
      throw err;
    }
  }
  mkdirSync(p.mount, { recursive: true, mode: 0o700 });
  const meta: VolumeMeta = { kind, name: req.name, networkId: req.networkId, sizeBytes: req.sizeBytes, formatted: kind !== 'luks', ...(fallback ? { fallback } : {}) };
  writeMeta(p, meta);
  return { meta, created: true };
}

/** A directory volume is always "mounted"; the others when the kernel lists the mount point. */
export function isMounted(p: RepoPaths, meta: VolumeMeta): boolean {
  if (meta.kind === 'directory') return existsSync(p.mount);
  return mountPoints().includes(p.mount);
}

export async function mountVolume(req: RepoRequest, p: RepoPaths, meta: VolumeMeta): Promise<'mounted' | 'already'> {
  if (isMounted(p, meta)) return 'already';
  mkdirSync(p.mount, { recursive: true, mode: 0o700 });
  if (meta.kind === 'image') await must('mount', ['-o', 'loop', p.image, p.mount]);
  if (meta.kind === 'luks') {
    if (!deviceMapper()) {
      throw new Error('this server\'s kernel has no device-mapper, so a LUKS volume can be formatted but not opened here; delete the repo and create it again with --volume image (unencrypted)');
    }
    const device = `/dev/mapper/${p.mapper}`;
    if (!existsSync(device)) await must('cryptsetup', ['open', '--key-file', '-', p.image, p.mapper], req.credential);
    if (!meta.formatted) {
      await must('mkfs.ext4', ['-q', device]);
      writeMeta(p, { ...meta, formatted: true });
    }
    await must('mount', [device, p.mount]);
  }
  return 'mounted';
}

export async function unmountVolume(p: RepoPaths, meta: VolumeMeta): Promise<'unmounted' | 'not mounted'> {
  if (meta.kind === 'directory' || !isMounted(p, meta)) return 'not mounted';
  await must('umount', [p.mount]);
  if (meta.kind === 'luks') await must('cryptsetup', ['close', p.mapper]);
  return 'unmounted';
}

/** LUKS only: does the credential open the key slot? Works without device-mapper (no mapping is made). */
export async function checkCredential(req: RepoRequest, p: RepoPaths): Promise<boolean> {
  return (await hostExec('cryptsetup', ['open', '--test-passphrase', '--key-file', '-', p.image], process.env, req.credential)).code === 0;
}

export async function destroyVolume(p: RepoPaths): Promise<void> {
  for (const path of [p.image, p.meta]) rmSync(path, { force: true });
  rmSync(p.mount, { recursive: true, force: true });
}

/**
 * Whether the kernel has device-mapper. /dev/mapper/control is no proof: libdevmapper creates that
 * node itself on its first try, even on kernels without the driver.
 */
function deviceMapper(): boolean {
  try {
    return /\bdevice-mapper\b/.test(readFileSync('/proc/misc', 'utf8'));
  } catch {
    return false;
  }
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat('/usr/sbin', '/sbin').some((d) => {
    try {
      accessSync(join(d, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function must(file: string, args: string[], input?: string): Promise<void> {
  const r = await hostExec(file, args, process.env, input);
  if (r.code !== 0) throw new Error(`${file} ${args[0]} failed: ${`${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-3).join(' ') || `exit ${r.code}`}`);
}
