import type { Context, Machine } from '../../core/config/model.js';
import { selectContext, selectMachine } from '../../core/config/select.js';
import { PrintingRunner } from '../remote/printing-runner.js';
import type { Runner } from '../remote/runner.js';
import { readConfig, type Deps } from './deps.js';

/** A registered machine and its context, from the config (`--context` honoured). */
export async function loadMachine(deps: Deps, name: string): Promise<{ machine: Machine; context: Context }> {
  const selected = selectContext(await readConfig(deps), deps.flags.context);
  return { machine: selectMachine(selected, name), context: selected.context };
}

/**
 * Runs `work` over one connection to the machine (deps.connect: SSH unless a test gave its own) and
 * closes it whatever happens; with --verbose every command is printed before it runs. `time`, when
 * given, measures the connection as a phase of its own (`--timings`).
 */
export async function withConnection<T>(deps: Deps, name: string, machine: Machine, context: Context, work: (runner: Runner) => Promise<T>,
  time: <R>(phase: string, w: () => Promise<R>) => Promise<R> = (_, w) => w()): Promise<T> {
  const connected = await time('connect', () => deps.connect(name, machine, context));
  const runner = deps.out.verbose ? new PrintingRunner(connected, (line) => deps.out.debug(line)) : connected;
  try {
    return await work(runner);
  } finally {
    runner.close();
  }
}
