import { Command } from 'commander';
import type { CommandEnv } from '../run.js';
import { contextAddMachineCommand } from './add-machine.js';
import { contextCreateCommand } from './create.js';
import { contextDeleteCommand } from './delete.js';
import { contextListCommand } from './list.js';
import { contextMachinesCommand } from './machines.js';
import { contextPushInfraCommand } from './push-infra.js';
import { contextRemoveMachineCommand } from './remove-machine.js';
import { contextScanKeysCommand } from './scan-keys.js';
import { contextSetInfraCommand } from './set-infra.js';
import { contextShowInfraCommand } from './show-infra.js';
import { contextShowCommand } from './show.js';
import { contextUseCommand } from './use.js';

export function contextCommand(env: CommandEnv): Command {
  const cmd = new Command('context').description('contexts, machines and their infra settings');
  for (const sub of [
    contextCreateCommand, contextUseCommand, contextListCommand, contextShowCommand, contextDeleteCommand,
    contextAddMachineCommand, contextRemoveMachineCommand, contextMachinesCommand, contextScanKeysCommand,
    contextSetInfraCommand, contextShowInfraCommand, contextPushInfraCommand,
  ]) cmd.addCommand(sub(env));
  return cmd;
}
