import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { ALICE_PASSWORD, CACHE_DIR, RECIPE, recipeKey, type Variant } from './recipe.js';
import { composePluginBinary } from './compose-plugin.js';
import { requireHostTools, run, runQuiet } from './run.js';

const BUILD_CODE = [fileURLToPath(import.meta.url), fileURLToPath(new URL('./recipe.js', import.meta.url))];
/** tar flags kept identical for pack and unpack: owners by number, file capabilities kept. */
export const TAR_FLAGS = ['--numeric-owner', '--xattrs', '--xattrs-include=*'];

/**
 * The root filesystem of a test host as a tarball, built once per machine and recipe (about a
 * minute) and reused by every test file after that. Two files asking at once: one builds, the
 * other waits on the lock and then finds the tarball.
 */
export async function rootfsTarball(variant: Variant): Promise<string> {
  requireHostTools();
  const key = recipeKey(variant, BUILD_CODE);
  const tarball = join(CACHE_DIR, `rootfs-${variant}-${key}.tar`);
  if (existsSync(tarball)) return tarball;
  mkdirSync(CACHE_DIR, { recursive: true });
  const release = await lockfile.lock(CACHE_DIR, {
    lockfilePath: join(CACHE_DIR, `rootfs-${variant}.lock`), stale: 60_000, update: 5_000,
    retries: { retries: 900, minTimeout: 1_000, maxTimeout: 1_000, factor: 1 },
  });
  try {
    if (existsSync(tarball)) return tarball;
    // Holding the lock, any other build dir of this variant was left by a killed builder.
    for (const f of readdirSync(CACHE_DIR).filter((f) => f.startsWith(`build-${variant}-`))) {
      runQuiet('umount', ['-l', join(CACHE_DIR, f, 'root/proc')]);
      rmSync(join(CACHE_DIR, f), { recursive: true, force: true });
    }
    const dir = join(CACHE_DIR, `build-${variant}-${process.pid}`);
    const root = join(dir, 'root');
    mkdirSync(dir, { recursive: true });
    try {
      await debootstrap(root);
      if (variant === 'full') await installServerPackages(root);
      await prepareSystem(root);
      await run('tar', [...TAR_FLAGS, '-C', root, '-cf', `${tarball}.part`, '.']);
      renameSync(`${tarball}.part`, tarball);
    } finally {
      runQuiet('umount', ['-l', join(root, 'proc')]);
      rmSync(dir, { recursive: true, force: true });
    }
    // Older tarballs of this variant belong to recipes that no longer exist.
    for (const f of readdirSync(CACHE_DIR)) if (f.startsWith(`rootfs-${variant}-`) && join(CACHE_DIR, f) !== tarball) rmSync(join(CACHE_DIR, f), { force: true });
    return tarball;
  } finally {
    await release();
  }
}

async function debootstrap(root: string): Promise<void> {
  await run('debootstrap', ['--variant=minbase', `--include=${RECIPE.base.join(',')}`, RECIPE.suite, root, RECIPE.mirror]);
}

async function installServerPackages(root: string): Promise<void> {
  // Package scripts must not start dockerd/containerd inside the chroot, on this machine's side.
  writeFileSync(join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  await run('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
  try {
    await run('chroot', [root, 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...RECIPE.full], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    await run('chroot', [root, 'apt-get', 'clean']);
  } finally {
    await run('umount', [join(root, 'proc')]);
    rmSync(join(root, 'usr/sbin/policy-rc.d'), { force: true });
  }
  await run('install', ['-D', '-m', '0755', await composePluginBinary(), join(root, 'usr/local/lib/docker/cli-plugins/docker-compose')]);
}

/** Users, sudo, sshd: what every variant shares. Keys and host names are per host (see disk.ts). */
async function prepareSystem(root: string): Promise<void> {
  const { sudoNoPassword: deploy, sudoWithPassword: alice } = RECIPE.users;
  for (const user of [deploy, alice]) await run('chroot', [root, 'useradd', '-m', '-s', '/bin/bash', '-G', 'sudo', user]);
  // A locked account ('!' in shadow) may be refused even for key logins; '*' is "no password".
  await run('chroot', [root, 'usermod', '-p', '*', deploy]);
  await run('chroot', [root, 'chpasswd'], { input: `${alice}:${ALICE_PASSWORD}\n` });
  writeFileSync(join(root, `etc/sudoers.d/${deploy}`), `${deploy} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  chmodSync(join(root, `etc/sudoers.d/${deploy}`), 0o440);
  // Every host gets its own host key at unpack time (pinning tests must see different keys).
  for (const f of readdirSync(join(root, 'etc/ssh'))) if (f.startsWith('ssh_host_')) rmSync(join(root, 'etc/ssh', f));
  writeFileSync(join(root, 'etc/ssh/sshd_config.d/rdc-test.conf'), 'HostKey /etc/ssh/ssh_host_ed25519_key\n');
  // Per host: machine-id (empty = generated at first boot), host name.
  writeFileSync(join(root, 'etc/machine-id'), '');
  writeFileSync(join(root, 'etc/hostname'), 'localhost\n');
  rmSync(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
}
