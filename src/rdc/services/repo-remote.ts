import { RdcError, UserError } from '../../core/errors.js';
import { readRenetReply, renetRepo, renetStage, type StageFile } from '../remote/commands/renet.js';
import type { Runner } from '../remote/runner.js';
import { repoReply, stepOutcome, type RepoReply } from '../../core/protocol/repo-reply.js';
import type { RepoRequest, RepoVerb } from '../../core/protocol/repo-request.js';
import { stageReply } from '../../core/protocol/stage.js';
import { localRenet } from './renet-bundle.js';
import type { RepoTarget } from './repo-target.js';

/**
 * One `renet repo <verb>` exec; renet refusing before any change becomes a UserError with the fix
 * (with `keepRefusal` the caller gets the reply and calls throwIfRefused itself, after recording
 * what renet did create).
 */
export async function askRepo(runner: Runner, t: RepoTarget, verb: RepoVerb, request: RepoRequest, keepRefusal = false): Promise<RepoReply> {
  const { sha256 } = await localRenet();
  const reply = readRenetReply(`repo ${verb}`, repoReply, (await runner.run(renetRepo(verb, t.machine.rootPrefix, sha256, request))).stdout);
  if (!reply) throw new UserError(`${t.machineName} does not run this version of renet (or none yet).`, { hint: `Push the infra first: rdc context push-infra ${t.machineName}` });
  if (!keepRefusal) throwIfRefused(reply, t);
  return reply;
}

/**
 * The contents renet asked for, on stdin to `renet stage` (as root), into the `incoming` dir its
 * reply named on the repo's volume: the same for root and a sudo user, and nothing on the way sits
 * in a directory a user can write.
 */
export async function stageRepoFiles(runner: Runner, t: RepoTarget, incoming: string, files: StageFile[]): Promise<void> {
  const { sha256 } = await localRenet();
  const r = await runner.run(renetStage(t.machine.rootPrefix, sha256, { incoming }, files));
  if (readRenetReply('stage', stageReply, r.stdout) === undefined) throw new RdcError(`renet on ${t.machineName} was replaced during repo up (another rdc version?); run it again.`);
}

export function throwIfRefused(reply: RepoReply, t: RepoTarget): void {
  if (reply.refused) throw refusal(reply, t);
}

function refusal(reply: RepoReply, t: RepoTarget): RdcError {
  switch (reply.refused) {
    case 'no-infra':
      return new UserError(`Machine ${t.machineName} has no infra yet: nothing was changed.`, { hint: `rdc context set-infra ${t.machineName} … then rdc context push-infra ${t.machineName}` });
    case 'not-mounted':
      return new UserError(`The volume of repo ${t.name} (${reply.volume}) is not mounted on ${t.machineName}: nothing was synced or started.`, { hint: `rdc repo up ${t.name} --mount` });
    case 'volume':
      return new RdcError(`The volume of repo ${t.name} could not be opened on ${t.machineName}: ${reply.message}`);
    default:
      return new RdcError(`renet refused: ${reply.message ?? reply.refused}`);
  }
}

/** The failing Rediaccfile step with its output, for the error message. */
export function failedStep(reply: RepoReply): string {
  const bad = (reply.steps ?? []).filter((s) => s.status === 'failed');
  return bad.map((s) => `${s.fn}() of ${s.dir ? `${s.dir}/Rediaccfile` : 'Rediaccfile'} ${stepOutcome(s)}:\n${indent(s.output.trim().split('\n').slice(-20).join('\n'))}`).join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}
