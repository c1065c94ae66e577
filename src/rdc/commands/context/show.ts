import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextShowCommand(env: CommandEnv): Command {
  return new Command('show')
    .description('show a context (the current one by default)')
    .argument('[name]', 'context name')
    .action(runWith(env, async ({ deps, args }) => {
      const { showContext } = await import('../../services/context-service.js');
      const ctx = await showContext(deps, args[0]);
      if (deps.out.json) return deps.out.data(ctx);
      deps.out.heading(`Context ${ctx.name}${ctx.current ? ' (current)' : ''}`);
      deps.out.fields([
        ['ssh key', ctx.sshKey ?? '- (ssh-agent or ~/.ssh defaults)'],
        ['default machine', ctx.defaultMachine ?? '-'],
        ['machines', ctx.machineNames.join(', ') || '-'],
        ['repositories', ctx.repositoryNames.join(', ') || '-'],
      ]);
    }));
}
