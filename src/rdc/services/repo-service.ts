import { stat } from 'node:fs/promises';
import { stoppedServices } from '../../core/status/diagnose.js';
import { resolve } from 'node:path';
import { MAX_LENGTH, show } from '../../core/config/validators.js';
import { selectContext } from '../../core/config/select.js';
import { isServiceName } from '../../core/compose/rewrite.js';
import { RdcError, UserError } from '../../core/errors.js';
import { LOGS_EXIT, repoLogs } from '../remote/commands/repo-logs.js';
import { repoSocket } from '../../core/infra/server-layout.js';
import { withConnection } from './connect-machine.js';
import { readConfig, type Deps } from './deps.js';
import { askRepo, throwIfRefused } from './repo-remote.js';
import { urlsOf } from './repo-up-service.js';
import { forgetRepo, repoRequest, repoTarget, saveRepo, targetIn, type RepoTarget, type VolumeChoice } from './repo-target.js';
import type { RepoReply } from '../../core/protocol/repo-reply.js';
import type { Runner } from '../remote/runner.js';

/** A local directory flag: not empty, existing, a directory; returned absolute. Checked before anything is created. */
async function existingDirectory(deps: Deps, value: string, flag: string): Promise<string> {
  const hint = 'Give the directory holding the app (its Rediaccfile), e.g. --path ./my-app';
  if (value.trim() === '') throw new UserError(`${flag}: the path is empty.`, { hint });
  if (value.length > MAX_LENGTH.path) throw new UserError(`${flag}: the path is ${value.length} characters long; a path has at most ${MAX_LENGTH.path}.`, { hint });
  const path = resolve(deps.io.cwd, value);
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => err.code ?? 'unreadable');
  if (typeof info === 'string') throw new UserError(`${flag}: ${show(path)} does not exist or cannot be read (${info}).`, { hint });
  if (!info.isDirectory()) throw new UserError(`${flag}: ${show(path)} is not a directory.`, { hint });
  return path;
}

function withRepo<T>(deps: Deps, t: RepoTarget, work: (runner: Runner) => Promise<T>): Promise<T> {
  return withConnection(deps, t.machineName, t.machine, t.context, work);
}

/** `rdc repo create`: network ID, GUID and credential in the config; the volume and dirs on the server. */
export async function repoCreate(deps: Deps, name: string, opts: { machine?: string; path?: string; size?: string; volume?: VolumeChoice; networkId?: string; dryRun?: boolean }) {
  const sourceDir = opts.path === undefined ? undefined : await existingDirectory(deps, opts.path, '--path');
  const t = await repoTarget(deps, name, opts.machine, { mayCreate: true, networkId: opts.networkId });
  const request = repoRequest(t, { volume: opts.volume, size: opts.size });
  return withRepo(deps, t, async (runner) => {
    if (opts.dryRun) return { repo: name, machine: t.machineName, networkId: t.repo.networkId, guid: t.repo.guid, dryRun: true, reply: await askRepo(runner, t, 'plan', request) };
    const reply = await askRepo(runner, t, 'create', request, true);
    // Remembered as an absolute path: the next `repo up` may run from another directory.
    if (reply.exists) await saveRepo(deps, t, { path: sourceDir, volume: reply.volume });
    throwIfRefused(reply, t);
    return { repo: name, machine: t.machineName, networkId: t.repo.networkId, guid: t.repo.guid, dryRun: false, reply };
  });
}

export async function repoDown(deps: Deps, name: string, opts: { machine?: string; unmount?: boolean; dryRun?: boolean }) {
  const t = await repoTarget(deps, name, opts.machine, { mayCreate: false });
  return withRepo(deps, t, async (runner) => {
    if (opts.dryRun) return { repo: name, machine: t.machineName, dryRun: true, reply: await askRepo(runner, t, 'plan', repoRequest(t)) };
    return { repo: name, machine: t.machineName, dryRun: false, reply: await askRepo(runner, t, 'down', repoRequest(t, { unmount: Boolean(opts.unmount) })) };
  });
}

export async function repoStatus(deps: Deps, name: string, opts: { machine?: string }) {
  const t = await repoTarget(deps, name, opts.machine, { mayCreate: false });
  const reply = await withRepo(deps, t, (runner) => askRepo(runner, t, 'status', repoRequest(t)));
  return statusOf(t, reply);
}

function statusOf(t: RepoTarget, reply: RepoReply) {
  return {
    repo: t.name, machine: t.machineName, networkId: t.repo.networkId, guid: t.repo.guid, exists: reply.exists, volume: reply.volume ?? null,
    ...(reply.volumeFallback ? { volumeFallback: reply.volumeFallback } : {}),
    mounted: Boolean(reply.mounted), daemon: reply.daemon ?? 'not running', socket: repoSocket(t.machine.rootPrefix, t.repo.networkId),
    containers: reply.containers ?? [], urls: urlsOf(t, reply),
    findings: [stoppedServices(t.name, t.repo.networkId, (reply.containers ?? []).filter((c) => c.state !== 'running').map((c) => ({ service: c.service || c.name || c.id, status: c.status ?? c.state })), reply.containers?.length ?? 0)].filter((f): f is string => Boolean(f)),
  };
}

/** Every repo of the context (or of one machine), each asked on its machine over one connection per machine. */
export async function repoList(deps: Deps, opts: { machine?: string }) {
  const selected = selectContext(await readConfig(deps), deps.flags.context);
  const names = Object.entries(selected.context.repositories).filter(([, r]) => !opts.machine || r.machine === opts.machine).map(([n]) => n).sort();
  const byMachine = new Map<string, RepoTarget[]>();
  for (const n of names) {
    const t = targetIn(deps, selected, n, undefined, { mayCreate: false });
    byMachine.set(t.machineName, [...(byMachine.get(t.machineName) ?? []), t]);
  }
  const rows = await Promise.all([...byMachine.values()].map(async (targets) => {
    const first = targets[0] as RepoTarget;
    try {
      return await withRepo(deps, first, async (runner) => {
        const out = [];
        for (const t of targets) out.push(statusOf(t, await askRepo(runner, t, 'status', repoRequest(t))));
        return out;
      });
    } catch (err) {
      return targets.map((t) => ({ repo: t.name, machine: t.machineName, networkId: t.repo.networkId, error: deps.out.redact((err as Error).message) }));
    }
  }));
  return rows.flat().sort((a, b) => a.repo.localeCompare(b.repo));
}

export async function repoLogsStream(deps: Deps, name: string, service: string | undefined, opts: { machine?: string; follow?: boolean; tail?: string }) {
  const t = await repoTarget(deps, name, opts.machine, { mayCreate: false });
  const tail = Number(opts.tail ?? 100);
  if (!Number.isInteger(tail) || tail < 0) throw new UserError(`--tail: expected a whole number of lines, got ${JSON.stringify(opts.tail)}`);
  if (service !== undefined && !isServiceName(service)) throw new UserError(`service: ${JSON.stringify(service)} is not a compose service name`);
  if (opts.follow && !service) throw new UserError('--follow needs a service: rdc repo logs NAME SERVICE --follow');
  const socket = repoSocket(t.machine.rootPrefix, t.repo.networkId);
  return withRepo(deps, t, async (runner) => {
    const r = await runner.exec(repoLogs(socket, service, { follow: Boolean(opts.follow), tail }), (chunk, stream) => deps.out.stream(chunk, stream));
    if (r.code === LOGS_EXIT.noDaemon) throw new UserError(`The Docker daemon of repo ${name} is not running on ${t.machineName}.`, { hint: `rdc repo up ${name}` });
    if (r.code === LOGS_EXIT.noContainer) throw new UserError(service ? `Repo ${name} has no container for service ${service}.` : `Repo ${name} has no containers.`, { hint: `rdc repo status ${name}` });
    if (r.code !== 0) throw new RdcError(`Reading the logs of repo ${name} on ${t.machineName} failed (exit ${r.code ?? 'signal'}).`);
  });
}

/**
 * Removes the repo from its machine (down, daemon, volume, files) and from the config, once the user
 * typed its name (or passed --yes).
 */
export async function repoDelete(deps: Deps, name: string, opts: { machine?: string; dryRun?: boolean; yes?: boolean }) {
  if (!opts.yes && !opts.dryRun) {
    const answer = await deps.out.ask(`Delete repo ${name} and all its data on the machine? Type its name to confirm: `);
    if (answer === undefined) throw new UserError(`repo delete removes ${name}'s volume and data for good; confirm with --yes`);
    if (answer.trim() !== name) throw new UserError('Not confirmed: nothing was deleted.');
  }
  const t = await repoTarget(deps, name, opts.machine, { mayCreate: false });
  return withRepo(deps, t, async (runner) => {
    if (opts.dryRun) return { repo: name, machine: t.machineName, dryRun: true, reply: await askRepo(runner, t, 'plan', repoRequest(t)) };
    const reply = await askRepo(runner, t, 'delete', repoRequest(t));
    await forgetRepo(deps, name);
    return { repo: name, machine: t.machineName, dryRun: false, reply };
  });
}
