import { posix } from 'node:path';
import { onServer, SERVER_PATHS } from '../../infra/server-layout.js';
import { RdcError } from '../../errors.js';
import { command, shellQuote, type RemoteCommand } from '../command.js';

/** Printed instead of a status report when the installed renet is missing or not the expected build. */
export const RENET_MISMATCH = 'RDC_RENET_MISMATCH';

export function renetPath(rootPrefix: string): string {
  return onServer(rootPrefix, SERVER_PATHS.renet);
}

export function stagingDir(rootPrefix: string): string {
  return onServer(rootPrefix, 'opt/rediacc/infra/staging');
}

/**
 * `renet infra <verb>` with the request on stdin, run only if the installed renet has the expected
 * sha256, all in one exec: a push with nothing to do costs a single round trip.
 */
export function renetInfra(verb: 'status' | 'apply', rootPrefix: string, renetSha256: string, request: unknown): RemoteCommand {
  return renetChecked(['infra', verb], rootPrefix, renetSha256, request);
}

/** `renet machine status|routes|ports`: what the server looks like, in one round trip. */
export function renetMachine(verb: 'status' | 'routes' | 'ports', rootPrefix: string, renetSha256: string, request: unknown): RemoteCommand {
  return renetChecked(['machine', verb], rootPrefix, renetSha256, request);
}

/** `renet repo <verb>` with the repo request (credential included) on stdin. */
export function renetRepo(verb: 'create' | 'up' | 'plan' | 'down' | 'status' | 'delete' | 'check-key', rootPrefix: string, renetSha256: string, request: unknown): RemoteCommand {
  return renetChecked(['repo', verb], rootPrefix, renetSha256, request);
}

function renetChecked(args: string[], rootPrefix: string, renetSha256: string, request: unknown): RemoteCommand {
  const renet = shellQuote(renetPath(rootPrefix));
  const script = [
    `if [ "$(sha256sum ${renet} 2>/dev/null | cut -d' ' -f1)" = ${shellQuote(renetSha256)} ]`,
    `then exec node ${renet} ${args.map(shellQuote).join(' ')}`,
    `else echo ${RENET_MISMATCH}; fi`,
  ].join('; ');
  return command(`renet ${args.join(' ')}`, ['sh', '-c', script], { stdin: JSON.stringify(request) });
}

/** Moves an uploaded renet into place atomically (rename within one directory). */
export function installRenet(rootPrefix: string, uploaded: string): RemoteCommand {
  const target = renetPath(rootPrefix);
  const tmp = `${target}.new`;
  const script = `mkdir -p ${shellQuote(posix.dirname(target))} && mv -f ${shellQuote(uploaded)} ${shellQuote(tmp)} && chmod 0755 ${shellQuote(tmp)} && mv -f ${shellQuote(tmp)} ${shellQuote(target)}`;
  return command('install renet', ['sh', '-c', script]);
}

/**
 * renet's JSON answer (its last stdout line), or undefined when the installed renet is missing or
 * another build. A reply that is not whole JSON (cut on the way) is an error saying so, never a
 * JSON parser's message.
 */
export function parseRenetReply<T>(stdout: string): T | undefined {
  const line = stdout.trimEnd().split('\n').pop() ?? '';
  if (line === RENET_MISMATCH) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch (err) {
    throw new RdcError(`renet's reply could not be read (${Buffer.byteLength(stdout)} bytes of output${line ? '' : ', none of it a reply'}: ${(err as Error).message}); the connection may have been cut.`,
      { hint: 'Run the command again; if it keeps failing, push-infra installs the current renet.' });
  }
}
