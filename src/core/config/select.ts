import { UserError } from '../errors.js';
import { DEFAULTS, entryOf, type Context, type Machine, type RdcConfig } from './model.js';
import { checkName, show } from './validators.js';

export interface SelectedContext {
  name: string;
  context: Context;
}

/** The context a command works on: `--context`, else `currentContext`, else `default`. */
export function contextName(config: RdcConfig, flag: string | undefined): string {
  return flag ?? config.currentContext ?? DEFAULTS.contextName;
}

export function selectContext(config: RdcConfig, flag: string | undefined): SelectedContext {
  const name = contextName(config, flag);
  if (flag !== undefined) assertName(flag, '--context');
  const context = entryOf(config.contexts, name);
  if (!context) {
    const known = Object.keys(config.contexts);
    throw new UserError(`Context ${show(name)} does not exist.`, {
      hint: known.length ? `Known contexts: ${known.join(', ')}. Create one with: rdc context create ${name}` : `Create it with: rdc context create ${name} (or add a machine, which creates "default").`,
    });
  }
  return { name, context };
}

export function selectMachine(selected: SelectedContext, name: string): Machine {
  assertName(name, 'machine name');
  const machine = entryOf(selected.context.machines, name);
  if (!machine) {
    const known = Object.keys(selected.context.machines);
    throw new UserError(`Machine ${show(name)} is not in context ${show(selected.name)}.`, {
      hint: known.length ? `Known machines: ${known.join(', ')}.` : `Register it first: rdc context add-machine ${name} --ip ADDR --user USER`,
    });
  }
  return machine;
}

/** Validates a name taken from the command line, naming the argument in the message. */
export function assertName(value: string, what: string): string {
  const check = checkName(value);
  if (!check.ok) throw new UserError(`${what}: ${check.expected}`);
  return check.value;
}
