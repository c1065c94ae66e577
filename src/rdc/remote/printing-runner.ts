import { toShell, type RemoteCommand } from './command.js';
import type { ExecResult, OutputListener, Runner } from './runner.js';

/**
 * Wraps a runner and prints each command before it runs: its title, the shell line (argv never
 * holds a secret: those ride on stdin) and how many bytes go on stdin. `rdc … --verbose` shows
 * every remote step this way, `--dry-run` included (a dry run still asks the server for its plan).
 */
export class PrintingRunner implements Runner {
  constructor(private readonly inner: Runner, private readonly print: (line: string) => void) {}

  exec(cmd: RemoteCommand, onOutput?: OutputListener): Promise<ExecResult> {
    this.show(cmd);
    return this.inner.exec(cmd, onOutput);
  }

  run(cmd: RemoteCommand): Promise<ExecResult> {
    this.show(cmd);
    return this.inner.run(cmd);
  }

  close(): void {
    this.inner.close();
  }

  private show(cmd: RemoteCommand): void {
    const stdin = cmd.stdin === undefined ? 0 : Buffer.byteLength(cmd.stdin);
    const files = cmd.stdinFiles?.length ? ` + ${cmd.stdinFiles.length} local file(s)` : '';
    this.print(`$ ${cmd.title}${cmd.root ? ' (root)' : ''}${stdin || files ? ` <stdin ${stdin} bytes${files}>` : ''}: ${toShell(cmd)}`);
  }
}
