import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import type { CommandEnv } from './commands/run.js';
import { ExitCode, RdcError } from '../core/errors.js';
import { processIo, type Io } from './output/io.js';
import { Output } from './output/output.js';

/**
 * Runs rdc with the given arguments and resolves to the exit code. Never calls process.exit, so
 * tests run it in-process with their own Io.
 */
export { lockAcquisitionsSettled } from './config/store.js';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const env: CommandEnv = { io };
  try {
    const program = buildProgram(env);
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    return report(err, env.out ?? new Output(io, { json: false, verbose: argv.includes('-v') || argv.includes('--verbose') }));
  }
}

function report(err: unknown, out: Output): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (help, version or a usage error).
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof RdcError) {
    out.error(err.message, err.hint);
    if (out.verbose && err.cause instanceof Error) out.debug(err.cause.stack ?? String(err.cause));
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  out.error(`unexpected error: ${e.message}`, out.verbose ? undefined : 'This is a bug in rdc. Run again with --verbose for the stack trace and report it.');
  out.debug(e.stack ?? '');
  return ExitCode.failure;
}
