import { bootHost } from './host.js';

/**
 * A test process that boots a host and never stops it: it prints the host's name, then dies the
 * way argv[2] says — `throw` (an uncaught error) or `wait` (until a signal). real-server.test.ts
 * checks that the safety net removed everything anyway.
 */
const how = process.argv[2];
const host = await bootHost();
process.stdout.write(`${JSON.stringify({ name: host.name, pid: process.pid })}\n`);
if (how === 'throw') throw new Error('a test file crashed with a host running');
setInterval(() => undefined, 60_000);
