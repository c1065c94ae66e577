import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function machineSetupCommand(env: CommandEnv): Command {
  return new Command('setup')
    .description('check and install what a server needs (docker with compose, Node.js >= 18) and create its directories')
    .argument('<machine>', 'machine name')
    .option('--dry-run', 'report what is missing and change nothing')
    .action(runWith<{ dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const { machineSetup } = await import('../../services/machine-setup.js');
      const r = await machineSetup(deps, args[0] as string, Boolean(opts.dryRun));
      if (deps.out.json) return deps.out.data(r);
      deps.out.table(['COMPONENT', 'STATUS', 'DETAIL'], r.steps.map((s) => [s.component, s.status, s.detail]));
      if (r.dryRun) {
        if (r.refusal) deps.out.warn(r.refusal);
        return deps.out.result(r.wouldInstall.length ? `Would install: ${r.wouldInstall.join(', ')}; would create ${r.directories.length} directories.` : `Nothing to install; would create ${r.directories.length} directories.`);
      }
      deps.out.done(`${r.machine} is ready${r.installed.length ? ` (installed ${r.installed.join(', ')})` : ' (nothing installed)'}; server directories in place.`);
    }));
}
