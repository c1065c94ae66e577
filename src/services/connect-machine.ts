import type { Context, Machine } from '../config/model.js';
import { selectContext, selectMachine } from '../config/select.js';
import type { Runner } from '../remote/runner.js';
import { SshRunner } from '../remote/ssh-runner.js';
import { resolveAlias, targetOf } from '../remote/ssh-target.js';
import { readConfig, type Deps } from './deps.js';

/** A registered machine and its context, from the config (`--context` honoured). */
export async function loadMachine(deps: Deps, name: string): Promise<{ machine: Machine; context: Context }> {
  const selected = selectContext(await readConfig(deps), deps.flags.context);
  return { machine: selectMachine(selected, name), context: selected.context };
}

/** One SSH connection to a machine: ~/.ssh/config alias applied, pinned key verified, secrets redacted from errors. */
export async function connectMachine(deps: Deps, name: string, machine: Machine, context: Context): Promise<SshRunner> {
  return SshRunner.connect(await resolveAlias(targetOf(name, machine, context), deps.io.env), deps.io.env, (s) => deps.out.redact(s));
}

/**
 * Runs `work` over one SSH connection to the machine and closes it whatever happens. `time`, when
 * given, measures the connection as a phase of its own (`--timings`).
 */
export async function withConnection<T>(deps: Deps, name: string, machine: Machine, context: Context, work: (runner: Runner) => Promise<T>,
  time: <R>(phase: string, w: () => Promise<R>) => Promise<R> = (_, w) => w()): Promise<T> {
  const runner = await time('connect', () => connectMachine(deps, name, machine, context));
  try {
    return await work(runner);
  } finally {
    runner.close();
  }
}
