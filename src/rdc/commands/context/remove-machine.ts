import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextRemoveMachineCommand(env: CommandEnv): Command {
  return new Command('remove-machine')
    .description('forget a machine (the server itself is not touched)')
    .argument('<name>', 'machine name')
    .option('--force', 'also forget the repositories that live on it')
    .action(runWith<{ force?: boolean }>(env, async ({ deps, args, opts }) => {
      const { removeMachine } = await import('../../services/machine-service.js');
      const context = await removeMachine(deps, args[0] as string, { force: opts.force });
      if (deps.out.json) deps.out.data({ context, removed: args[0] });
      else deps.out.done(`Machine ${args[0]} removed from context ${context}.`);
    }));
}
