#!/usr/bin/env node
// The only place that decides the process exit code: main() resolves to it and never exits itself.
// The CLI runs from the esbuild bundle (a handful of files instead of hundreds of modules: startup time).
import { lockAcquisitionsSettled, main } from '../dist/bundle/cli.js';

// A closed pipe (`rdc … | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
process.on('SIGINT', () => process.exit(130));
// SIGTERM ends rdc like Ctrl-C: exiting runs the exit hooks that release the config lock and remove a
// half-written temp file; the config itself is replaced only by an atomic rename, so it stays whole.
// A lock being taken right now is waited for (at most 1 s), so that its exit hook exists.
process.on('SIGTERM', () => {
  const exit = () => process.exit(143);
  setTimeout(exit, 1000).unref();
  lockAcquisitionsSettled().then(exit, exit);
});

process.exitCode = await main(process.argv.slice(2));
