/**
 * The error classes rdc throws and the exit codes they map to (SYSTEM.md §2).
 *
 *   0    success
 *   1    failure (a remote step failed, a bug)
 *   2    bad usage or invalid input — nothing was changed
 *   130  interrupted (SIGINT)
 *   143  terminated (SIGTERM; set by bin/rdc.js: the config lock is released, a write under way abandoned whole)
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
  terminated: 143,
} as const;

/** A problem tied to one input: a flag (`--public-ipv4`) or a config path (`contexts.a.machines.b.port`). */
export interface Problem {
  where: string;
  message: string;
}

/** Base class: an expected failure whose message is for the user; no stack trace is shown. */
export class RdcError extends Error {
  readonly exitCode: number = ExitCode.failure;
  /** One line telling the user what to do next. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** The user asked for something invalid (flag, name, unknown machine). Nothing was changed. */
export class UserError extends RdcError {
  override readonly exitCode: number = ExitCode.usage;
}

/** One or more inputs failed validation; every problem is listed with where it came from. */
export class ValidationError extends UserError {
  readonly problems: Problem[];

  constructor(problems: Problem[], options: { hint?: string; title?: string } = {}) {
    super(options.title ?? formatProblems(problems), options);
    this.problems = problems;
  }
}

/** The config file on disk does not parse or holds invalid values. */
export class ConfigFileError extends ValidationError {
  readonly file: string;

  constructor(file: string, problems: Problem[]) {
    super(problems, {
      title: `The config file ${file} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${formatProblems(problems)}`,
      hint: `Fix the file by hand (or restore it from a backup), then run the command again.`,
    });
    this.file = file;
  }
}

/** The user pressed Ctrl-C. */
export class InterruptedError extends RdcError {
  override readonly exitCode: number = ExitCode.interrupted;

  constructor() {
    super('Interrupted.');
  }
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `  ${p.where}: ${p.message}`).join('\n');
}
