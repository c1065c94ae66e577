import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function repoDeleteCommand(env: CommandEnv): Command {
  return new Command('delete')
    .description('stop the repo and remove everything of it on the machine (volume, data, daemon) and in the config')
    .argument('<name>', 'repo name')
    .option('-m, --machine <machine>', 'machine (default: where the repo lives)')
    .option('-y, --yes', 'do not ask for confirmation (scripts)')
    .option('--dry-run', 'print what would be removed and change nothing')
    .action(runWith<{ machine?: string; yes?: boolean; dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const { repoDelete } = await import('../../services/repo-service.js');
      const r = await repoDelete(deps, args[0] as string, opts);
      if (deps.out.json) return deps.out.data(r);
      if (r.dryRun) return deps.out.result(`Would stop repo ${r.repo} on ${r.machine} and remove its ${r.reply.volume ?? ''} volume, daemon files and config entry.`);
      deps.out.done(`Repo ${r.repo} deleted from ${r.machine} and from the config.`);
    }));
}
