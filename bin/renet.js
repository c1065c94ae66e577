#!/usr/bin/env node
// renet's entry point; bin/bundle.mjs bundles it (with everything it imports) into dist/renet/renet.cjs,
// the single file rdc uploads to servers. Like bin/rdc.js, the only place that exits the process.
// (No top-level await: the bundle is CommonJS for Node >= 18.)
import { renetMain } from '../dist/src/renet/main.js';

// Writes to a pipe are asynchronous: exiting at once cut every reply longer than the pipe's buffer
// (64 KiB). An empty write's callback runs once everything written before it has reached the
// kernel (or the reader is gone), so the process exits only after both streams are drained.
renetMain(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => undefined);
    if (stream.destroyed || !stream.writable) done();
    else stream.write('', done);
  }
});
