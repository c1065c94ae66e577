import { Command } from 'commander';
import type { CommandEnv } from '../run.js';
import { machineSetupCommand } from './setup.js';

export function machineCommand(env: CommandEnv): Command {
  return new Command('machine').description('prepare and inspect machines').addCommand(machineSetupCommand(env));
}
