import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextDeleteCommand(env: CommandEnv): Command {
  return new Command('delete')
    .description('delete a context from the local config (servers are not touched)')
    .argument('<name>', 'context name')
    .option('--force', 'delete even if it still has machines or repositories')
    .action(runWith<{ force?: boolean }>(env, async ({ deps, args, opts }) => {
      const { deleteContext } = await import('../../services/context-service.js');
      await deleteContext(deps, args[0] as string, { force: opts.force });
      if (deps.out.json) deps.out.data({ deleted: args[0] });
      else deps.out.done(`Context ${args[0]} deleted.`);
    }));
}
