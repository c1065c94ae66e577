import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function repoLogsCommand(env: CommandEnv): Command {
  return new Command('logs')
    .description('the logs of a service (or of every container) of the repo, from its own daemon')
    .argument('<name>', 'repo name')
    .argument('[service]', 'compose service name (default: every container)')
    .option('-m, --machine <machine>', 'machine (default: where the repo lives)')
    .option('-f, --follow', 'keep streaming (needs a service)')
    .option('--tail <lines>', 'lines from the end of each log', '100')
    .action(runWith<{ machine?: string; follow?: boolean; tail?: string }>(env, async ({ deps, args, opts }) => {
      const { repoLogsStream } = await import('../../services/repo-service.js');
      await repoLogsStream(deps, args[0] as string, args[1], opts);
    }));
}
