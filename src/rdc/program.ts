import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { contextCommand } from './commands/context/index.js';
import { dnsCommand } from './commands/dns/index.js';
import { machineCommand } from './commands/machine/index.js';
import { repoCommand } from './commands/repo/index.js';
import type { CommandEnv } from './commands/run.js';
import { packageRoot } from './util/package-root.js';

const VERSION = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** The commander tree: `rdc <noun> <verb> [name] [flags]`. */
export function buildProgram(env: CommandEnv): Command {
  const program = new Command('rdc')
    .description('Deploy docker compose apps to your own servers, behind Traefik, over SSH.')
    .version(VERSION, '-V, --version')
    .option('--context <name>', 'context to use (default: the current one)')
    .option('--json', 'machine-readable output on stdout')
    .option('-v, --verbose', 'more detail, including stack traces of unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => env.io.stdout.write(s),
      writeErr: (s) => env.io.stderr.write(s),
      // Commander quotes an unknown option or command; a 100 KB one is cut like every value rdc echoes.
      outputError: (s, write) => write(s.length > 1000 ? `${s.slice(0, 1000)}… (cut: ${s.length} characters)\n` : s),
    })
    .addHelpText('after', `
Getting started:
  rdc context add-machine server-1 --ip 203.0.113.50 --user root
  rdc machine setup server-1
  rdc context set-infra server-1 --public-ipv4 203.0.113.50 --base-domain example.com
  rdc context push-infra server-1
  rdc repo up my-app -m server-1 --path ./my-app --mount

Exit codes: 0 ok, 1 failure, 2 bad usage or invalid input (nothing changed), 130 interrupted.`);
  program.addCommand(contextCommand(env));
  program.addCommand(machineCommand(env));
  program.addCommand(repoCommand(env));
  program.addCommand(dnsCommand(env));
  // Sub-commands inherit the output routing and exit behaviour.
  for (const cmd of allCommands(program)) {
    cmd.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
