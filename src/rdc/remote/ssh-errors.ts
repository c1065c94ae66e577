import { RdcError } from '../../core/errors.js';

export type SshFailure = 'unreachable' | 'refused' | 'timeout' | 'unknown-host' | 'auth' | 'host-key-changed' | 'host-key-unpinned' | 'disconnected';

/** Connecting to a machine failed; `kind` tells which of the distinct cases it was. */
export class SshError extends RdcError {
  constructor(readonly kind: SshFailure, message: string, hint?: string, cause?: unknown) {
    super(message, { hint, cause });
  }
}

/** A command ran on the machine and exited non-zero. */
export class RemoteCommandError extends RdcError {
  constructor(readonly host: string, readonly title: string, readonly code: number | null, readonly stderrTail: string) {
    super(`${title} failed on ${host} (exit ${code ?? 'signal'})${stderrTail ? `:\n${stderrTail}` : ''}`);
  }
}

/** Last lines of a command's stderr, for error messages. */
export function tail(text: string, lines = 8): string {
  return text.trimEnd().split('\n').slice(-lines).map((l) => `  ${l}`).join('\n');
}

/** Maps ssh2 / socket errors to the user-facing cases, naming the machine. */
export function sshFailure(err: Error & { level?: string; code?: string }, where: string, machine: string): SshError {
  const code = err.code ?? '';
  if (err.level === 'client-authentication') {
    return new SshError('auth', `Cannot log in to ${where}: the server refused every key offered.`, `Check the user and that its authorized_keys holds your key (rdc context add-machine ${machine} --ssh-key PATH, or load it into ssh-agent).`, err);
  }
  if (err.level === 'client-timeout' || code === 'ETIMEDOUT') {
    return new SshError('timeout', `Timed out connecting to ${where}: no SSH handshake.`, 'Is the machine up and is sshd listening on that port? A firewall dropping packets looks the same.', err);
  }
  if (code === 'ECONNREFUSED') return new SshError('refused', `Connection refused by ${where}: nothing listens on that port.`, 'Check the SSH port (--port) and that sshd runs.', err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || err.level === 'client-dns') return new SshError('unknown-host', `Cannot resolve the host of ${where}.`, 'Check --ip (an address, a DNS name, or a Host alias from ~/.ssh/config).', err);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new SshError('unreachable', `${where} is unreachable (${code}).`, 'Check the address and your network route to it.', err);
  return new SshError('disconnected', `SSH to ${where} failed: ${err.message}`, undefined, err);
}
