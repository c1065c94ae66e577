import { routeServerCommand } from './route-server-command.js';

/**
 * renet, the server-side half of rdc: one bundled file (Node >= 18) that rdc uploads and drives
 * over SSH. Resolves to the exit code; bin/renet.js owns the process. Logs go to stderr, one
 * timestamped line each.
 */
export async function renetMain(argv: string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const [command, ...rest] = argv;
  try {
    if (command === 'route-server') return await routeServerCommand(rest, log);
    log(`usage: renet route-server --config FILE${command ? ` (unknown command "${command}")` : ''}`);
    return 2;
  } catch (err) {
    log(`error: ${(err as Error).message}`);
    return 1;
  }
}
