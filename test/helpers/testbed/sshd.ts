import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';
import { startProcess, type Proc } from './process.js';
import { requireSshd } from './tools.js';
import { connect } from 'node:net';

export interface Sshd extends Proc {
  port: number;
  /** `ssh-ed25519 AAAA…`, what rdc should pin. */
  hostKey: string;
  clientKey: string;
  dir: string;
}

/**
 * A real OpenSSH server on 127.0.0.1:<free port> with its own host key and one authorized client
 * key for root (testbed-notes §1): foreground mode, so it is a child we stop by PID.
 */
export async function startSshd(dir: string, opts: { hostKeyName?: string; port?: number } = {}): Promise<Sshd> {
  const sshd = requireSshd();
  mkdirSync(join(dir, 'keys'), { recursive: true });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyPath = join(dir, opts.hostKeyName ?? 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  for (const key of [hostKeyPath, clientKey]) {
    try {
      readFileSync(key);
    } catch {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    }
  }
  writeFileSync(join(dir, 'keys', 'root'), readFileSync(`${clientKey}.pub`));
  chmodSync(join(dir, 'keys', 'root'), 0o644);
  const port = opts.port ?? (await freePort());
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKeyPath}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'keys')}/%u`, 'StrictModes no', 'PermitRootLogin prohibit-password',
    'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'Subsystem sftp /usr/lib/openssh/sftp-server',
    'LogLevel VERBOSE', '',
  ].join('\n'));
  const proc = startProcess(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')]);
  // Its output goes into the message when the wait fails (read now it would always be empty).
  await waitFor(`sshd on 127.0.0.1:${port}`, () => new Promise<true | undefined>((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(undefined));
  })).catch((err: Error) => { throw new Error(`${err.message} (${proc.output().slice(-300)})`); });
  const [algo, blob] = readFileSync(`${hostKeyPath}.pub`, 'utf8').trim().split(' ');
  return Object.assign(proc, { port, hostKey: `${algo} ${blob}`, clientKey, dir });
}
