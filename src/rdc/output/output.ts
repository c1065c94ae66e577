import { createInterface } from 'node:readline';
import { Chalk, type ChalkInstance } from 'chalk';
import type { Io, OutStream } from './io.js';
import { formatTable } from './table.js';

const MAX_ERROR_LINE = 1000;

export interface OutputOptions {
  json: boolean;
  verbose: boolean;
}

export interface Spinner {
  succeed(text: string): void;
  fail(text: string): void;
}

/**
 * The one place rdc writes to the terminal. Results go to stdout, progress and warnings to stderr;
 * colour only when the stream is a TTY and NO_COLOR is unset; every line passes through the
 * redactor so that a secret registered with addSecret() can never be printed.
 */
export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly #io: Io;
  readonly #secrets = new Set<string>();
  readonly #out: ChalkInstance;
  readonly #err: ChalkInstance;

  constructor(io: Io, options: OutputOptions) {
    this.#io = io;
    this.json = options.json;
    this.verbose = options.verbose;
    this.#out = new Chalk({ level: colourLevel(io, io.stdout) });
    this.#err = new Chalk({ level: colourLevel(io, io.stderr) });
  }

  /** Registers a secret value; it is replaced by [REDACTED] in everything written afterwards. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.#secrets.add(value);
  }

  redact(text: string): string {
    let result = text;
    for (const s of this.#secrets) result = result.split(s).join('[REDACTED]');
    return result;
  }

  /** A line of the command's result (stdout). Suppressed in --json mode, where data() is the result. */
  result(line = ''): void {
    if (!this.json) this.#write(this.#io.stdout, line);
  }

  /** A result line with a green check mark, for commands that changed something. */
  done(line: string): void {
    if (!this.json) this.#write(this.#io.stdout, `${this.#out.green('✔')} ${line}`);
  }

  heading(line: string): void {
    this.result(this.#out.bold(line));
  }

  table(header: string[], rows: string[][]): void {
    const [head, ...body] = formatTable(header, rows);
    this.result(this.#out.bold(head ?? ''));
    for (const line of body) this.result(line);
  }

  /** Aligned `label  value` lines, indented under a heading. */
  fields(rows: [label: string, value: string][]): void {
    const width = Math.max(0, ...rows.map(([label]) => label.length));
    for (const [label, value] of rows) this.result(`  ${this.#out.dim(label.padEnd(width))}  ${value}`);
  }

  /** The machine-readable result of a --json command (stdout). */
  data(value: unknown): void {
    this.#write(this.#io.stdout, JSON.stringify(value, null, 2));
  }

  /** Raw output passed through as it arrives (a remote program's logs), secrets redacted. */
  stream(chunk: string, to: 'stdout' | 'stderr'): void {
    (to === 'stdout' ? this.#io.stdout : this.#io.stderr).write(this.redact(chunk));
  }

  /**
   * Asks a question on stderr and reads one line from stdin. Undefined when stdin is no terminal:
   * a script has no one to answer, and must say so with a flag instead.
   */
  async ask(question: string): Promise<string | undefined> {
    const input = this.#io.stdin as Io['stdin'] & { isTTY?: boolean };
    if (!input.isTTY) return undefined;
    this.#io.stderr.write(this.redact(question));
    const lines = createInterface({ input, terminal: false });
    try {
      for await (const line of lines) return line;
      return '';
    } finally {
      lines.close();
    }
  }

  /** Progress for humans (stderr); silent in --json mode. */
  progress(line: string): void {
    if (!this.json) this.#write(this.#io.stderr, this.#err.dim(line));
  }

  warn(line: string): void {
    this.#write(this.#io.stderr, `${this.#err.yellow('warning:')} ${line}`);
  }

  error(line: string, hint?: string): void {
    // A safety net under the validators' own cutting: no error line floods the terminal with a value.
    // Redacted first: a cut through a secret would leave a part the exact-match redactor misses.
    const cut = this.redact(line).split('\n').map((l) => (l.length > MAX_ERROR_LINE ? `${l.slice(0, MAX_ERROR_LINE)}… (cut: ${l.length} characters)` : l)).join('\n');
    this.#write(this.#io.stderr, `${this.#err.red('error:')} ${cut}`);
    if (hint) this.#write(this.#io.stderr, `${this.#err.dim('hint:')} ${hint}`);
  }

  debug(line: string): void {
    if (this.verbose) this.#write(this.#io.stderr, this.#err.dim(line));
  }

  /** An ora spinner on a TTY without --json; otherwise plain progress lines (ora loads lazily). */
  async spinner(text: string): Promise<Spinner> {
    if (this.json || !this.#io.stderr.isTTY) {
      this.progress(`${text}…`);
      return { succeed: (t) => this.progress(t), fail: (t) => this.warn(t) };
    }
    const { default: ora } = await import('ora');
    const s = ora({ text: this.redact(text), stream: process.stderr }).start();
    return {
      succeed: (t) => s.succeed(this.redact(t)),
      fail: (t) => s.fail(this.redact(t)),
    };
  }

  #write(stream: OutStream, line: string): void {
    stream.write(`${this.redact(line)}\n`);
  }
}

function colourLevel(io: Io, stream: OutStream): 0 | 1 {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return 0;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return 1;
  return stream.isTTY ? 1 : 0;
}
