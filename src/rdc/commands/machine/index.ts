import { Command } from 'commander';
import type { CommandEnv } from '../run.js';
import { machinePortsCommand } from './ports.js';
import { machineRoutesCommand } from './routes.js';
import { machineSetupCommand } from './setup.js';
import { machineStatusCommand } from './status.js';

export function machineCommand(env: CommandEnv): Command {
  const cmd = new Command('machine').description('prepare and inspect machines');
  for (const sub of [machineSetupCommand, machineStatusCommand, machineRoutesCommand, machinePortsCommand]) cmd.addCommand(sub(env));
  return cmd;
}
