import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextScanKeysCommand(env: CommandEnv): Command {
  return new Command('scan-keys')
    .description('read a machine\'s SSH host key again and pin it (after a reinstall or key rotation)')
    .argument('<machine>', 'machine name')
    .action(runWith(env, async ({ deps, args }) => {
      const { rescanKeys } = await import('../../services/host-keys.js');
      const result = await rescanKeys(deps, args[0] as string);
      if (deps.out.json) return deps.out.data(result);
      if (!result.changed) return deps.out.done(`Host key of ${result.machine} unchanged: ${result.pinned}.`);
      deps.out.done(`Pinned the host key of ${result.machine}: ${result.pinned}${result.previous.length ? ` (was ${result.previous.join(', ')})` : ''}.`);
      deps.out.warn('make sure this fingerprint is the server\'s (compare with ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on it).');
    }));
}
