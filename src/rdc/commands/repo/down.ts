import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';
import { volumeLine } from './print.js';
import { stepOutcome } from '../../../core/protocol/repo-reply.js';

export function repoDownCommand(env: CommandEnv): Command {
  return new Command('down')
    .description('run down() of every Rediaccfile (subdirs Z→A, then the root) and stop the repo\'s daemon')
    .argument('<name>', 'repo name')
    .option('-m, --machine <machine>', 'machine (default: where the repo lives)')
    .option('--unmount', 'also unmount (and close) the volume')
    .option('--dry-run', 'print what would stop and change nothing')
    .action(runWith<{ machine?: string; unmount?: boolean; dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const { repoDown } = await import('../../services/repo-service.js');
      const r = await repoDown(deps, args[0] as string, opts);
      if (deps.out.json) return deps.out.data(r);
      if (r.dryRun) {
        deps.out.heading(`Plan for repo ${r.repo} on ${r.machine}:`);
        deps.out.fields([['daemon', r.reply.daemon === 'running' ? 'down() then stop' : 'not running, nothing to stop'], ['volume', `${volumeLine(r.reply.volume, r.reply.mounted)}${opts.unmount ? ', would be unmounted' : ''}`]]);
        return;
      }
      if (!r.reply.exists) return deps.out.done(`Repo ${r.repo} has nothing on ${r.machine}.`);
      const failed = (r.reply.steps ?? []).filter((s) => s.status === 'failed');
      deps.out.done(`Repo ${r.repo} is down on ${r.machine}: daemon ${r.reply.daemon}${r.reply.mountAction ? `, volume ${r.reply.mountAction}` : ''}.`);
      for (const s of failed) deps.out.warn(`down() of ${s.dir || '.'} ${stepOutcome(s)}: ${s.output.trim().split('\n').slice(-3).join(' / ')}`);
    }));
}
