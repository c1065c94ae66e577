import type { RemoteCommand } from './command.js';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type OutputListener = (chunk: string, stream: 'stdout' | 'stderr') => void;

/**
 * Where remote commands go. SshRunner runs them over one SSH connection; uploads are commands too
 * (`renet stage`, bytes on stdin), so there is nothing else to implement. PrintingRunner prints
 * each command before passing it on (--verbose); RecordingRunner runs nothing and answers from a
 * script (service tests). Services get theirs from Deps.connect, never by building one.
 */
export interface Runner {
  /** Runs a command and reports its exit code, whatever it is; with a listener, output streams to it instead. */
  exec(cmd: RemoteCommand, onOutput?: OutputListener): Promise<ExecResult>;
  /** Runs a command and throws RemoteCommandError unless it exits 0. */
  run(cmd: RemoteCommand): Promise<ExecResult>;
  close(): void;
}
