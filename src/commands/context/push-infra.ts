import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function contextPushInfraCommand(env: CommandEnv): Command {
  return new Command('push-infra')
    .description('render the proxy, route server and Traefik config for a machine and apply it')
    .argument('<machine>', 'machine name')
    .option('--output <dir>', 'write the rendered server tree into DIR instead (no network)')
    .option('--dry-run', 'print the plan and change nothing')
    .action(runWith<{ output?: string; dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const { pushInfra } = await import('../../services/push-infra-service.js');
      const result = await pushInfra(deps, args[0] as string, { output: opts.output, dryRun: opts.dryRun });
      if (deps.out.json) return deps.out.data(result);
      const verb = result.dryRun ? 'Would render' : 'Rendered';
      deps.out.done(`${verb} the infra of ${result.machine} into ${result.directory} (${result.summary}):`);
      deps.out.table(['OP', 'MODE', 'SHA256', 'PATH'], result.plan.map((f) => [f.op, f.mode, f.sha256.slice(0, 12), f.path]));
      for (const w of result.warnings) deps.out.warn(w);
    }));
}
