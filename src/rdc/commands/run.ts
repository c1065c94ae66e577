import type { Command } from 'commander';
import type { Io } from '../output/io.js';
import type { Output } from '../output/output.js';
import type { Deps, GlobalFlags } from '../services/deps.js';

/** Shared by all command modules: the process's io, and the Output the running command uses. */
export interface CommandEnv {
  io: Io;
  out?: Output;
}

export interface Invocation<O> {
  deps: Deps;
  args: string[];
  opts: O & GlobalFlags;
}

/**
 * Wraps a command handler: collects positional args and options (global ones included) and builds
 * the Deps. Services load here, on first use, so `rdc --help` never pays for yaml or the SSH stack.
 */
export function runWith<O>(env: CommandEnv, handler: (inv: Invocation<O>) => Promise<void>) {
  return async function (this: Command): Promise<void> {
    const opts = this.optsWithGlobals() as O & GlobalFlags;
    const { createDeps } = await import('../services/deps.js');
    const deps = createDeps(env.io, opts);
    env.out = deps.out;
    await handler({ deps, args: this.processedArgs as string[], opts });
  };
}
