import { Command } from 'commander';
import type { AddMachineFlags } from '../../services/machine-service.js';
import { runWith, type CommandEnv } from '../run.js';

export function contextAddMachineCommand(env: CommandEnv): Command {
  return new Command('add-machine')
    .description('register a machine (a server you can SSH into)')
    .argument('<name>', 'machine name: lower-case letters, digits and -, e.g. server-1')
    .option('--ip <addr>', 'IP address or host name to SSH to (required)')
    .option('--user <user>', 'SSH user (required; root or a user with passwordless sudo)')
    .option('--port <port>', 'SSH port (default 22)')
    .option('--ssh-key <path>', 'SSH private key (default: the context\'s key, then ssh-agent)')
    .option('--datastore <path>', 'where repositories live on the server (default /mnt/rediacc)')
    .option('--root-prefix <path>', 'prefix for every path rdc owns on the server (default /)')
    .option('--host-key <key>', 'pin this host key ("ssh-ed25519 AAAA…" or a known_hosts line); repeatable', collect)
    .option('--no-scan', 'do not connect to pin the host key')
    .action(runWith<AddMachineFlags>(env, async ({ deps, args, opts }) => {
      const { addMachine } = await import('../../services/machine-service.js');
      const name = args[0] as string;
      const { context, machine } = await addMachine(deps, name, opts);
      if (deps.out.json) return deps.out.data({ context, name, ...machine, infra: undefined });
      deps.out.done(`Machine ${name} added to context ${context}: ${machine.user}@${machine.host}:${machine.port}.`);
      if (machine.hostKeys.length === 0) deps.out.warn(`no host key pinned (--no-scan): pin it before connecting with rdc context scan-keys ${name}.`);
      deps.out.result(`Next: rdc context set-infra ${name} --public-ipv4 IP --base-domain DOMAIN`);
    }));
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
