import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { Context, Machine } from '../../core/config/model.js';
import { checkHost, checkPort } from '../../core/config/validators.js';
import { UserError } from '../../core/errors.js';

/** Everything needed to open an SSH connection to one machine. */
export interface SshTarget {
  /** The machine's name in rdc, for messages. */
  machine: string;
  host: string;
  port: number;
  user: string;
  keyPath: string | undefined;
  pinnedKeys: string[];
}

/**
 * Applies `~/.ssh/config` to a target whose host is a Host alias (HostName, Port when rdc has the
 * default 22, IdentityFile when rdc names no key): `--ip myserver` works like `ssh myserver`.
 */
export async function resolveAlias(target: SshTarget, env: Record<string, string | undefined>): Promise<SshTarget> {
  const home = env.HOME || homedir();
  const text = await readFile(join(home, '.ssh', 'config'), 'utf8').catch(() => undefined);
  if (!text) return target;
  const computed = SSHConfig.parse(text).compute(target.host) as Record<string, string | string[] | undefined>;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const hostName = first(computed.HostName);
  const port = first(computed.Port);
  const identity = first(computed.IdentityFile);
  // The file is the user's own, but its values still go through rdc's checks, named by where they came from.
  const where = `~/.ssh/config (Host ${target.host})`;
  const host = hostName === undefined ? undefined : checkHost(hostName);
  if (host && !host.ok) throw new UserError(`${where}: HostName ${host.expected}`);
  const checkedPort = target.port === 22 && port ? checkPort(port) : undefined;
  if (checkedPort && !checkedPort.ok) throw new UserError(`${where}: Port ${checkedPort.expected}`);
  return {
    ...target,
    host: host?.value ?? target.host,
    port: checkedPort?.value ?? target.port,
    keyPath: target.keyPath ?? (identity ? identity.replace(/^~(?=\/)/, home) : undefined),
  };
}

/** The target for a registered machine: its own key, else the context's, else defaults/agent. */
export function targetOf(name: string, machine: Machine, context: Context): SshTarget {
  return { machine: name, host: machine.host, port: machine.port, user: machine.user, keyPath: machine.sshKey ?? context.sshKey, pinnedKeys: machine.hostKeys };
}
