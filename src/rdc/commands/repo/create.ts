import { Command } from 'commander';
import type { VolumeChoice } from '../../services/repo-target.js';
import { runWith, type CommandEnv } from '../run.js';
import { fallbackField, volumeLine, withCreationOptions } from './print.js';

export function repoCreateCommand(env: CommandEnv): Command {
  return withCreationOptions(new Command('create')
    .description('allocate a network ID, GUID and volume credential, and create the volume and dirs on the machine')
    .argument('<name>', 'repo name (lower-case letters, digits, -)')
    .option('-m, --machine <machine>', 'machine (default: the context\'s default machine)')
    .option('--path <dir>', 'local source directory to remember for repo up'))
    .option('--dry-run', 'print what would be created and change nothing')
    .action(runWith<{ machine?: string; path?: string; size?: string; volume?: VolumeChoice; networkId?: string; dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const { repoCreate } = await import('../../services/repo-service.js');
      const r = await repoCreate(deps, args[0] as string, opts);
      if (deps.out.json) return deps.out.data(r);
      const verb = r.dryRun ? 'Would create' : r.reply.created ? 'Created' : 'Already exists:';
      deps.out.done(`${verb} repo ${r.repo} on ${r.machine} (network ${r.networkId}).`);
      deps.out.fields([['volume', volumeLine(r.reply.volume, r.reply.mounted)], ...fallbackField(r.reply.volumeFallback)]);
    }));
}
