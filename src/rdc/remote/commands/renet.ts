import { posix } from 'node:path';
import { onServer, SERVER_PATHS } from '../../../core/infra/server-layout.js';
import { RdcError } from '../../../core/errors.js';
import { checkReply, type Check } from '../../../core/protocol/check.js';
import type { InfraRequest, InfraVerb } from '../../../core/protocol/infra.js';
import type { MachineRequest, MachineVerb } from '../../../core/protocol/machine.js';
import type { RepoRequest, RepoVerb } from '../../../core/protocol/repo-request.js';
import type { StageHeader, StageInto } from '../../../core/protocol/stage.js';
import { shellQuote } from '../../../core/util/shell-quote.js';
import { command, type RemoteCommand } from '../command.js';

/** Printed instead of a status report when the installed renet is missing or not the expected build. */
export const RENET_MISMATCH = 'RDC_RENET_MISMATCH';

export function renetPath(rootPrefix: string): string {
  return onServer(rootPrefix, SERVER_PATHS.renet);
}

/**
 * `renet infra <verb>` with the request on stdin, run only if the installed renet has the expected
 * sha256, all in one exec: a push with nothing to do costs a single round trip.
 */
export function renetInfra(verb: InfraVerb, rootPrefix: string, renetSha256: string, request: InfraRequest): RemoteCommand {
  return renetChecked(['infra', verb], rootPrefix, renetSha256, request);
}

/** `renet machine status|routes|ports`: what the server looks like, in one round trip. */
export function renetMachine(verb: MachineVerb, rootPrefix: string, renetSha256: string, request: MachineRequest): RemoteCommand {
  return renetChecked(['machine', verb], rootPrefix, renetSha256, request);
}

/** `renet repo <verb>` with the repo request (credential included) on stdin. */
export function renetRepo(verb: RepoVerb, rootPrefix: string, renetSha256: string, request: RepoRequest): RemoteCommand {
  return renetChecked(['repo', verb], rootPrefix, renetSha256, request);
}

/**
 * `renet stage`: uploads for every SSH user. The contents go on stdin (a JSON header line, then the
 * bytes back to back) and renet, as root, writes each into a root-only staging dir once its sha256
 * matches: nothing waits where a user could read or swap it, and no secret lands in a user's file.
 */
export function renetStage(rootPrefix: string, renetSha256: string, into: StageInto, files: StageFile[]): RemoteCommand {
  const header: StageHeader = { rootPrefix, into, files: files.map((f) => ({ sha256: f.sha256, size: 'content' in f ? f.content.length : f.size })) };
  const cmd = renetChecked(['stage'], rootPrefix, renetSha256, undefined);
  const inline = files.every((f) => 'content' in f);
  // Given bytes travel inline; local files are streamed by the runner after the header line.
  return inline
    ? { ...cmd, title: `upload ${files.length} file(s)`, stdin: Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...files.map((f) => (f as { content: Buffer }).content)]) }
    : { ...cmd, title: `upload ${files.length} file(s)`, stdin: `${JSON.stringify(header)}\n`, stdinFiles: files.map((f) => ('content' in f ? unreachable() : f.localPath)) };
}

/** A file for `renet stage`: bytes at hand, or a local file (its size as hashed; renet checks the bytes). */
export type StageFile = { sha256: string } & ({ content: Buffer } | { localPath: string; size: number });

function unreachable(): never {
  throw new Error('renetStage: mix of inline and local files');
}

function renetChecked(args: string[], rootPrefix: string, renetSha256: string, request: InfraRequest | MachineRequest | RepoRequest | undefined): RemoteCommand {
  const renet = shellQuote(renetPath(rootPrefix));
  const script = [
    `if [ "$(sha256sum ${renet} 2>/dev/null | cut -d' ' -f1)" = ${shellQuote(renetSha256)} ]`,
    `then exec node ${renet} ${args.map(shellQuote).join(' ')}`,
    `else echo ${RENET_MISMATCH}; fi`,
  ].join('; ');
  return command(`renet ${args.join(' ')}`, ['sh', '-c', script], { stdin: JSON.stringify(request), root: true });
}

/**
 * Installs renet as root from stdin: written by root into its own root-owned directory, its sha256
 * checked on that file, and only then renamed into place. What runs as root was never a file any
 * user could write, and no upload dir is needed (the SSH user may not write under /opt).
 */
export function installRenet(rootPrefix: string, renet: Buffer, renetSha256: string): RemoteCommand {
  const target = shellQuote(renetPath(rootPrefix));
  // A name of its own per push ($$, the shell's pid): two first pushes at once do not write one file.
  const tmp = `${shellQuote(`${renetPath(rootPrefix)}.new.`)}$$`;
  const script = [
    `umask 077; mkdir -p ${shellQuote(posix.dirname(renetPath(rootPrefix)))} && cat > ${tmp} && chmod 0755 ${tmp} || { rm -f ${tmp}; exit 1; }`,
    `if [ "$(sha256sum ${tmp} | cut -d' ' -f1)" = ${shellQuote(renetSha256)} ]; then mv -f ${tmp} ${target}`,
    `else rm -f ${tmp}; echo 'renet arrived damaged (sha256 differs); push again' >&2; exit 1; fi`,
  ].join('; ');
  return command('install renet', ['sh', '-c', script], { stdin: renet, root: true });
}

/**
 * renet's JSON answer (its last stdout line), or undefined when the installed renet is missing or
 * another build. A reply that is not whole JSON (cut on the way) is an error saying so, never a
 * JSON parser's message.
 */
export function parseRenetReply(stdout: string): unknown {
  const line = stdout.trimEnd().split('\n').pop() ?? '';
  if (line === RENET_MISMATCH) return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch (err) {
    throw new RdcError(`renet's reply could not be read (${Buffer.byteLength(stdout)} bytes of output${line ? '' : ', none of it a reply'}: ${(err as Error).message}); the connection may have been cut.`,
      { hint: 'Run the command again; if it keeps failing, push-infra installs the current renet.' });
  }
}

/**
 * renet's answer to `verb` (e.g. `machine status`), read with the protocol's one check for it; undefined
 * when the installed renet is missing or another build. A reply that does not fit names the field.
 */
export function readRenetReply<T>(verb: string, check: Check<T>, stdout: string): T | undefined {
  const reply = parseRenetReply(stdout);
  return reply === undefined ? undefined : checkReply(verb, check, reply);
}
