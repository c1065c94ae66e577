import { RdcError } from '../../core/errors.js';
import type { SshTarget } from './ssh-target.js';

/** Whether commands that need root go through `sudo -n`: every SSH user but root. */
export function needsSudo(target: Pick<SshTarget, 'user'>): boolean {
  return target.user !== 'root';
}

/** What sudo -n prints (its own lines start with "sudo:") when it will not run the command without a password. */
const PASSWORD_WANTED = /^sudo: (a password is required|a terminal is required|.*not in the sudoers file|.*may not run sudo)|^Sorry, user .* is not allowed to execute/m;
const SUDO_MISSING = /sudo: (not found|command not found)/;

/**
 * The one clear refusal when a command that needs root could not get it. Every rdc command's first
 * exec on a server needs root, so this comes before anything changed there. Exit 1 (a failure on
 * the server, not bad input).
 */
export function sudoRefusal(target: Pick<SshTarget, 'user' | 'machine'>, code: number | null, stderr: string): RdcError | undefined {
  const { user, machine } = target;
  const rootHint = 'or connect as root instead (a machine added with --user root)';
  if (code === 1 && PASSWORD_WANTED.test(stderr)) {
    return new RdcError(`${user} needs passwordless sudo on ${machine}: rdc runs its server-side work as root through sudo -n, and ${user}'s sudo asks for a password. Nothing was changed.`,
      { hint: `On the server, add the line "${user} ALL=(ALL) NOPASSWD: ALL" to /etc/sudoers.d/rediacc (visudo -f /etc/sudoers.d/rediacc), ${rootHint}.` });
  }
  if (code === 127 && SUDO_MISSING.test(stderr)) {
    return new RdcError(`sudo is not installed on ${machine}, and ${user} is not root: rdc runs its server-side work as root. Nothing was changed.`,
      { hint: `Install sudo and give ${user} passwordless sudo ("${user} ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/rediacc), ${rootHint}.` });
  }
  return undefined;
}
