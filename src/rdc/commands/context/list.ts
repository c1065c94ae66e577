import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextListCommand(env: CommandEnv): Command {
  return new Command('list')
    .description('list contexts')
    .action(runWith(env, async ({ deps }) => {
      const { listContexts } = await import('../../services/context-service.js');
      const contexts = await listContexts(deps);
      if (deps.out.json) return deps.out.data(contexts);
      if (contexts.length === 0) return deps.out.result('No contexts yet. Create one with: rdc context create NAME (or just add a machine).');
      deps.out.table(
        ['CURRENT', 'NAME', 'MACHINES', 'REPOSITORIES', 'SSH KEY'],
        contexts.map((c) => [c.current ? '*' : '', c.name, String(c.machines), String(c.repositories), c.sshKey ?? '-']),
      );
    }));
}
