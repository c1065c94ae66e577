import type { RemoteCommand } from './command.js';
import type { ExecResult, OutputListener, Runner } from './runner.js';
import { RemoteCommandError, tail } from './ssh-errors.js';

/** One scripted answer: what the command prints and its exit code (0 and no output unless given), or a function of the command. */
export type ScriptedReply = Partial<ExecResult> | ((cmd: RemoteCommand) => Partial<ExecResult>);

/**
 * A runner that runs nothing: it records every RemoteCommand it is given, in order, and answers
 * each with the next reply of its script (service tests: which commands a service sends, and how
 * it reacts to what the server says, without a server). A command beyond the script is an error
 * naming it, so a test never passes on an answer nobody wrote.
 */
export class RecordingRunner implements Runner {
  readonly commands: RemoteCommand[] = [];
  closed = false;
  readonly #script: ScriptedReply[];

  constructor(script: ScriptedReply[], readonly host = 'recorded-machine') {
    this.#script = [...script];
  }

  /** The titles of the commands run so far (`renet infra status`, `upload 3 file(s)`, …). */
  get titles(): string[] {
    return this.commands.map((c) => c.title);
  }

  /** Replies of the script not used (a test checks it ran to the end). */
  get unused(): number {
    return this.#script.length;
  }

  async exec(cmd: RemoteCommand, onOutput?: OutputListener): Promise<ExecResult> {
    if (this.closed) throw new Error(`recording runner: "${cmd.title}" after close()`);
    this.commands.push(cmd);
    const next = this.#script.shift();
    if (next === undefined) throw new Error(`recording runner: no reply scripted for command ${this.commands.length}, "${cmd.title}"`);
    const reply = { code: 0, stdout: '', stderr: '', ...(typeof next === 'function' ? next(cmd) : next) };
    if (!onOutput) return reply;
    // Streamed output is not collected, as over SSH.
    if (reply.stdout) onOutput(reply.stdout, 'stdout');
    if (reply.stderr) onOutput(reply.stderr, 'stderr');
    return { code: reply.code, stdout: '', stderr: '' };
  }

  async run(cmd: RemoteCommand): Promise<ExecResult> {
    const result = await this.exec(cmd);
    if (result.code !== 0) throw new RemoteCommandError(this.host, cmd.title, result.code, tail(result.stderr || result.stdout));
    return result;
  }

  close(): void {
    this.closed = true;
  }
}
