import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextUseCommand(env: CommandEnv): Command {
  return new Command('use')
    .description('make a context the current one')
    .argument('<name>', 'context name')
    .action(runWith(env, async ({ deps, args }) => {
      const { useContext } = await import('../../services/context-service.js');
      await useContext(deps, args[0] as string);
      if (deps.out.json) deps.out.data({ currentContext: args[0] });
      else deps.out.done(`Now using context ${args[0]}.`);
    }));
}
