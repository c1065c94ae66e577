import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAR_FLAGS } from './build-rootfs.js';
import { RECIPE } from './recipe.js';
import { run } from './run.js';

/** Every user a test may log in as; the same client key is authorized for all three. */
export type HostUser = 'root' | typeof RECIPE.users.sudoNoPassword | typeof RECIPE.users.sudoWithPassword;
export const HOST_USERS: HostUser[] = ['root', RECIPE.users.sudoNoPassword, RECIPE.users.sudoWithPassword];

/**
 * A fresh disk for one host: the cached tarball unpacked, then what must differ per host — its
 * own SSH host key (returned, for pinning), machine-id and host name (in /etc/hosts too, or sudo
 * warns that it cannot resolve it), and the client's key in each user's authorized_keys (0600,
 * owned by the user, under a 0700 .ssh: sshd's StrictModes stays on, as on a real server).
 */
export async function makeDisk(tarball: string, root: string, hostname: string, clientPublicKey: string): Promise<{ hostKey: string }> {
  mkdirSync(root, { recursive: true });
  await run('tar', [...TAR_FLAGS, '-C', root, '-xpf', tarball]);
  const keyFile = join(root, 'etc/ssh/ssh_host_ed25519_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${hostname}`, '-f', keyFile]);
  writeFileSync(join(root, 'etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
  // No name server: the host reaches nothing but the test side, so lookups fail at once instead of timing out.
  rmSync(join(root, 'etc/resolv.conf'), { force: true });
  writeFileSync(join(root, 'etc/resolv.conf'), '# rdc test host: no DNS (only the test side, 10.213.N.1, is reachable)\n');
  writeFileSync(join(root, 'etc/hostname'), `${hostname}\n`);
  appendFileSync(join(root, 'etc/hosts'), `127.0.1.1\t${hostname}\n`);
  const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
  for (const user of HOST_USERS) {
    const entry = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
    if (!entry) throw new Error(`the host image has no user ${user}: rebuild it (delete the tarball under the cache)`);
    const [, , uid, gid, , home] = entry.split(':');
    const sshDir = join(root, home as string, '.ssh');
    mkdirSync(sshDir, { recursive: true });
    writeFileSync(join(sshDir, 'authorized_keys'), `${clientPublicKey.trim()}\n`);
    chmodSync(sshDir, 0o700);
    chmodSync(join(sshDir, 'authorized_keys'), 0o600);
    for (const p of [sshDir, join(sshDir, 'authorized_keys')]) chownSync(p, Number(uid), Number(gid));
  }
  // As rdc pins it: type and key, no comment.
  return { hostKey: readFileSync(`${keyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ') };
}
