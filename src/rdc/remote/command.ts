import { shellQuote } from '../../core/util/shell-quote.js';

/**
 * Remote actions as data. A RemoteCommand is an argv plus optional environment and stdin; it
 * becomes shell text only in toShell(), and every token passes through shellQuote() (util/shell-quote.ts), the one place
 * quoting happens. Secrets travel in `stdin`, never in argv or env (both visible in `ps`).
 */
export interface RemoteCommand {
  argv: string[];
  /** Set inline (`env K=V cmd`): sshd drops variables not listed in AcceptEnv. */
  env?: Record<string, string>;
  /** Fed to the command's standard input (work as JSON, secrets included; file contents for uploads). */
  stdin?: string | Buffer;
  /** Local files whose bytes follow `stdin`, in order, streamed at constant memory (uploads of any size). */
  stdinFiles?: string[];
  /** A short description for plans, progress lines and error messages. */
  title: string;
  /** Needs root: run through `sudo -n` when the SSH user is not root (see toShell). */
  root?: boolean;
}

/**
 * The shell line for a command. `sudo` (the SSH user is not root) puts `sudo -n` in front of a
 * command that needs root: -n never prompts, so a user whose sudo asks for a password fails at
 * once (see sudo.ts). sudo logs its argv to the journal, which is why secrets ride on stdin only.
 */
export function toShell(cmd: RemoteCommand, sudo = false): string {
  const env = Object.entries(cmd.env ?? {});
  for (const [key] of env) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid environment variable name ${JSON.stringify(key)}`);
  const prefix = env.length ? ['env', ...env.map(([k, v]) => `${k}=${shellQuote(v)}`)] : [];
  const elevate = sudo && cmd.root ? ['sudo', '-n'] : [];
  return [...elevate, ...prefix, ...cmd.argv.map(shellQuote)].join(' ');
}

export function command(title: string, argv: string[], extra: Omit<RemoteCommand, 'argv' | 'title'> = {}): RemoteCommand {
  return { title, argv, ...extra };
}
