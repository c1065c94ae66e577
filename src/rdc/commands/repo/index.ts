import { Command } from 'commander';
import type { CommandEnv } from '../run.js';
import { repoCreateCommand } from './create.js';
import { repoDeleteCommand } from './delete.js';
import { repoDownCommand } from './down.js';
import { repoListCommand, repoStatusCommand } from './status.js';
import { repoLogsCommand } from './logs.js';
import { repoUpCommand } from './up.js';

export function repoCommand(env: CommandEnv): Command {
  const cmd = new Command('repo').description('deploy and run apps (repositories) on machines');
  for (const sub of [repoCreateCommand, repoUpCommand, repoDownCommand, repoStatusCommand, repoListCommand, repoLogsCommand, repoDeleteCommand]) cmd.addCommand(sub(env));
  return cmd;
}
