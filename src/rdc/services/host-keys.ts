import { selectContext, selectMachine } from '../../core/config/select.js';
import { RdcError } from '../../core/errors.js';
import { checkHostKey, fingerprint, keyType } from '../../core/config/host-key.js';
import { scanHostKey } from '../remote/ssh-runner.js';
import { resolveAlias, targetOf, type SshTarget } from '../remote/ssh-target.js';
import type { Deps } from './deps.js';

/** Reads a machine's host key over SSH (no login) and reports its fingerprint. */
export async function scanMachineKey(deps: Deps, target: SshTarget): Promise<string> {
  const resolved = await resolveAlias(target, deps.io.env);
  const spinner = await deps.out.spinner(`Reading the host key of ${resolved.host}:${resolved.port}`);
  try {
    const key = await scanHostKey(resolved, deps.io.env);
    // The key is pinned in the config, whose reader accepts only well-formed keys of known types.
    const check = checkHostKey(key);
    if (!check.ok) throw new RdcError(`${target.machine} presented a host key rdc cannot pin: ${check.expected}`, { hint: 'Pin one of its other keys with --host-key (see /etc/ssh/ssh_host_*_key.pub on the server).' });
    spinner.succeed(`Host key of ${target.machine}: ${keyType(key)} ${fingerprint(key)}`);
    return key;
  } catch (err) {
    spinner.fail(`Could not read the host key of ${target.machine}`);
    throw err;
  }
}

/** `rdc context scan-keys`: re-reads a machine's key and pins it in place of the old one. */
export async function rescanKeys(deps: Deps, machineName: string) {
  const config = await deps.store.read();
  const selected = selectContext(config.config, deps.flags.context);
  const machine = selectMachine(selected, machineName);
  const key = await scanMachineKey(deps, targetOf(machineName, machine, selected.context));
  const before = machine.hostKeys.map(fingerprint);
  await deps.store.update((fresh) => {
    const m = selectMachine(selectContext(fresh, deps.flags.context), machineName);
    m.hostKeys = [key];
  });
  return { machine: machineName, context: selected.name, previous: before, pinned: fingerprint(key), changed: !before.includes(fingerprint(key)) };
}

/** A second opinion on a pasted host key (already checked field by field): ssh2 must read it as its type. */
export async function hostKeyParseProblem(key: string): Promise<string | undefined> {
  const ssh2 = await import('ssh2');
  const parsed = (ssh2.default ?? ssh2).utils.parseKey(key);
  const type = key.split(' ')[0];
  if (parsed instanceof Error) return `ssh2 cannot read it (${parsed.message})`;
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  return first?.type === type ? undefined : `ssh2 reads it as ${first?.type ?? 'nothing'}, not ${type}`;
}
