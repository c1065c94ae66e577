import type { RemoteCommand } from './command.js';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Where remote commands go. SshRunner runs them over one SSH connection; a printing runner for
 * --dry-run and recording runners for tests implement the same interface.
 */
/** A file to write on the server: given bytes, or a local file streamed at constant memory. */
export type UploadFile = { path: string; mode: number } & ({ content: string | Buffer } | { localPath: string });

export type OutputListener = (chunk: string, stream: 'stdout' | 'stderr') => void;

export interface Runner {
  /** Runs a command and reports its exit code, whatever it is; with a listener, output streams to it instead. */
  exec(cmd: RemoteCommand, onOutput?: OutputListener): Promise<ExecResult>;
  /** Runs a command and throws RemoteCommandError unless it exits 0. */
  run(cmd: RemoteCommand): Promise<ExecResult>;
  /** Writes files in one SFTP session, several at once, creating their directories (absolute paths on the server). */
  upload(files: UploadFile[]): Promise<void>;
  close(): void;
}
