import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextCreateCommand(env: CommandEnv): Command {
  return new Command('create')
    .description('create a context (a set of machines and repositories)')
    .argument('<name>', 'context name: lower-case letters, digits and -')
    .option('--ssh-key <path>', 'SSH private key for this context\'s machines')
    .action(runWith<{ sshKey?: string }>(env, async ({ deps, args, opts }) => {
      const { createContext } = await import('../../services/context-service.js');
      const ctx = await createContext(deps, args[0] as string, { sshKey: opts.sshKey });
      if (deps.out.json) deps.out.data(ctx);
      else deps.out.done(`Context ${ctx.name} created${ctx.current ? ' (current)' : ''}.`);
    }));
}
