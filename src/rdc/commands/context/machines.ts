import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextMachinesCommand(env: CommandEnv): Command {
  return new Command('machines')
    .description('list the machines of the context')
    .action(runWith(env, async ({ deps }) => {
      const { listMachines } = await import('../../services/machine-service.js');
      const list = await listMachines(deps);
      if (deps.out.json) return deps.out.data(list);
      if (list.machines.length === 0) return deps.out.result(`No machines in context ${list.context}. Add one with: rdc context add-machine NAME --ip ADDR --user USER`);
      deps.out.table(
        ['NAME', 'SSH', 'DATASTORE', 'HOST KEY', 'BASE DOMAIN'],
        list.machines.map((m) => [m.name, `${m.user}@${m.host}:${m.port}`, m.datastore, m.hostKeyPinned ? 'pinned' : 'not pinned', m.baseDomain ?? '-']),
      );
    }));
}
