import { Readable } from 'node:stream';
import { main } from '../../src/rdc/cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs rdc in-process (like wrangler's runWrangler) with its own env, stdin and captured output. */
export async function runCli(args: string[], opts: { env: Record<string, string>; stdin?: string; cwd?: string }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: { NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

/** A CLI bound to one config file, for a sequence of commands. */
export function cliWithConfig(configPath: string, cwd?: string) {
  return (args: string[], stdin?: string) => runCli(args, { env: { RDC_CONFIG: configPath, HOME: '/nonexistent-home' }, stdin, cwd });
}
