import { routeServerCommand } from './route-server-command.js';

/**
 * renet, the server-side half of rdc: one bundled file (Node >= 18) that rdc uploads and drives
 * over SSH. Logs go to stderr, one timestamped line each.
 */
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'route-server') return routeServerCommand(rest, log);
  log(`usage: renet route-server --config FILE${command ? ` (unknown command "${command}")` : ''}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    log(`error: ${err.message}`);
    process.exit(1);
  },
);
