import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { UserError } from '../../errors.js';
import { runWith, type CommandEnv } from '../run.js';

export function repoDeleteCommand(env: CommandEnv): Command {
  return new Command('delete')
    .description('stop the repo and remove everything of it on the machine (volume, data, daemon) and in the config')
    .argument('<name>', 'repo name')
    .option('-m, --machine <machine>', 'machine (default: where the repo lives)')
    .option('-y, --yes', 'do not ask for confirmation (scripts)')
    .option('--dry-run', 'print what would be removed and change nothing')
    .action(runWith<{ machine?: string; yes?: boolean; dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const name = args[0] as string;
      if (!opts.yes && !opts.dryRun) {
        if (!(deps.io.stdin as { isTTY?: boolean }).isTTY) throw new UserError(`repo delete removes ${name}'s volume and data for good; confirm with --yes`);
        const rl = createInterface({ input: deps.io.stdin, output: process.stderr });
        const answer = await rl.question(`Delete repo ${name} and all its data on the machine? Type its name to confirm: `);
        rl.close();
        if (answer.trim() !== name) throw new UserError('Not confirmed: nothing was deleted.');
      }
      const { repoDelete } = await import('../../services/repo-service.js');
      const r = await repoDelete(deps, name, opts);
      if (deps.out.json) return deps.out.data(r);
      if (r.dryRun) return deps.out.result(`Would stop repo ${r.repo} on ${r.machine} and remove its ${r.reply.volume ?? ''} volume, daemon files and config entry.`);
      deps.out.done(`Repo ${r.repo} deleted from ${r.machine} and from the config.`);
    }));
}
