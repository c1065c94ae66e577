import type { Readable } from 'node:stream';

/** A stream rdc writes to: process.stdout/stderr in the CLI, a string collector in tests. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Everything rdc takes from its process, so that main() can run in-process in tests. */
export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: Readable;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
