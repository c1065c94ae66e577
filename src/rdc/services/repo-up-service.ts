import { stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tlsConfigured } from '../../core/config/model.js';
import { RdcError, UserError, ValidationError } from '../../core/errors.js';
import type { RepoReply } from '../../core/protocol/repo-reply.js';
import { repoUrls } from '../../core/repo/repo-urls.js';
import { checkSource } from '../../core/repo/source-check.js';
import { withConnection } from './connect-machine.js';
import { syncDnsAfterChange } from './dns-after-change.js';
import type { Deps } from './deps.js';
import { askRepo, failedStep, stageRepoFiles, throwIfRefused } from './repo-remote.js';
import { readSource, type LocalSource } from './repo-source.js';
import { forgetRepo, repoRequest, repoTarget, saveRepo, type RepoTarget, type VolumeChoice } from './repo-target.js';
import { phaseTimer } from '../../core/util/phase-timer.js';

export interface RepoUpOptions {
  machine?: string;
  path?: string;
  mount?: boolean;
  prepOnly?: boolean;
  dryRun?: boolean;
  volume?: VolumeChoice;
  size?: string;
  networkId?: string;
  /** Skip the compose policy for this repo: reaches renet in the request, never read from a file. */
  unsafe?: boolean;
}

/**
 * `rdc repo up`: check the source locally (nothing leaves the workstation when it is wrong), then
 * over one SSH connection let renet create, mount, sync, start and run the Rediaccfiles. Uploads
 * happen only when renet lacks some contents; then it is asked again.
 */
export async function repoUp(deps: Deps, name: string, opts: RepoUpOptions) {
  const { timings, time } = phaseTimer();
  const t = await repoTarget(deps, name, opts.machine, { mayCreate: true, networkId: opts.networkId });
  const unsafe = Boolean(opts.unsafe);
  const request = repoRequest(t, { volume: opts.volume, size: opts.size, mount: Boolean(opts.mount), prepOnly: Boolean(opts.prepOnly), unsafe });
  if (unsafe) deps.out.warn(`--unsafe: the compose files of ${t.name} may reach the host (privileged, host paths, capabilities); use it only for a repo you trust with ${t.machineName}`);
  const source = await time('hash', () => checkedSource(deps, t, opts.path, unsafe));
  const manifest = source.files;
  if (t.isNew && !opts.mount && !opts.dryRun) {
    throw new UserError(`Repo ${t.name} does not exist yet: creating it makes a volume, which up must mount. Nothing was changed.`, { hint: `rdc repo up ${t.name} --mount` });
  }
  return withConnection(deps, t.machineName, t.machine, t.context, async (runner) => {
    if (opts.dryRun) return { dryRun: true as const, ...summary(t, source), plan: await askRepo(runner, t, 'plan', { ...request, manifest, planServices: true }) };
    // renet's own phase timings, summed over both calls when an upload came in between.
    const serverTimings = (r: RepoReply) => {
      for (const [k, v] of Object.entries(r.timings ?? {})) timings[`server.${k}`] = (timings[`server.${k}`] ?? 0) + v;
    };
    let reply = await time('server', () => askRepo(runner, t, 'up', { ...request, manifest }, true));
    serverTimings(reply);
    // Once the server holds the volume, the config must hold its credential, whatever happens next.
    if (reply.exists && (t.isNew || source.dir !== t.repo.path || reply.volume !== t.repo.volume)) {
      await saveRepo(deps, t, { path: source.dir, volume: reply.volume });
    }
    refuseCompose(reply, t);
    throwIfRefused(reply, t);
    if (reply.needUpload?.length) {
      const wanted = new Set(reply.needUpload);
      const files = manifest.filter((f) => wanted.delete(f.sha256));
      const incoming = reply.incoming as string;
      await time('upload', async () => stageRepoFiles(runner, t, incoming, await Promise.all(files.map(async (f) => {
        const localPath = source.localPath(f.path);
        return { sha256: f.sha256, localPath, size: (await stat(localPath)).size };
      }))));
      reply = await time('server', () => askRepo(runner, t, 'up', { ...request, manifest }, true));
      serverTimings(reply);
      if (reply.refused === 'compose' && t.isNew) {
        // This command created the repo (before the upload); a refusal leaves nothing behind.
        await askRepo(runner, t, 'delete', repoRequest(t));
        await forgetRepo(deps, t.name);
      }
      refuseCompose(reply, t);
      throwIfRefused(reply, t);
      if (reply.needUpload?.length) throw new RdcError(`renet on ${t.machineName} still lacks ${reply.needUpload.length} uploaded file(s); run repo up again.`);
    }
    if (!reply.ok) {
      const prepFailed = reply.steps?.some((s) => s.fn === 'prep' && s.status === 'failed');
      throw new RdcError(`repo up ${t.name} failed on ${t.machineName}${prepFailed ? ' in prep(): nothing else ran, and the synced files were put back as they were' : ''}.\n${failedStep(reply)}`,
        { hint: prepFailed ? 'Fix the Rediaccfile and run repo up again.' : `rdc repo logs ${t.name} shows the containers' output.` });
    }
    const dns = await syncDnsAfterChange(deps, t.machineName, t.machine, runner);
    return { dryRun: false as const, ...summary(t, source), reply, urls: urlsOf(t, reply), dns, timings };
  }, time);
}

/** The server's check of the canonical compose model refused: exit 2, the server as it was. */
function refuseCompose(reply: RepoReply, t: RepoTarget): void {
  if (reply.refused === 'compose') {
    throw new ValidationError((reply.message ?? '').split('\n').map((message) => ({ where: `${t.name} on ${t.machineName}`, message })),
      { hint: 'Nothing was started or changed on the server. Fix the compose file, or run rdc repo up --unsafe for a repo you trust with the host.' });
  }
  if (reply.refused === 'not-created') throw new UserError(`Repo ${t.name} does not exist on ${t.machineName} yet: nothing was changed.`, { hint: `rdc repo up ${t.name} --mount` });
}

function summary(t: RepoTarget, source: LocalSource) {
  return { repo: t.name, machine: t.machineName, networkId: t.repo.networkId, source: source.dir, files: source.files.length, skipped: source.skipped };
}

export function urlsOf(t: RepoTarget, reply: RepoReply) {
  const infra = t.machine.infra;
  return repoUrls(reply.routes ?? [], t.repo.networkId, { httpPort: infra.httpPort, httpsPort: infra.httpsPort, publicHost: infra.publicIPv4 ?? t.machine.host });
}

/** `--path`, else the remembered path, else the current directory when it holds a Rediaccfile. */
async function checkedSource(deps: Deps, t: RepoTarget, pathFlag: string | undefined, unsafe: boolean): Promise<LocalSource> {
  const dir = pathFlag ?? t.repo.path ?? (existsSync(join(deps.io.cwd, 'Rediaccfile')) ? deps.io.cwd : undefined);
  if (dir === undefined) throw new ValidationError([{ where: '--path', message: `no source directory: the current directory has no Rediaccfile; give --path DIR` }]);
  const source = await readSource(deps.io.cwd, dir);
  // Read on demand (only what the check asks for: Rediaccfiles, compose files, their .env and the files they extend or include).
  const problems = checkSource(source.files.map((f) => f.path), (p) => source.readText(p), { root: source.dir, unsafe });
  if (problems.length) {
    throw new ValidationError(problems.map((p) => ({ where: `${resolve(source.dir, p.where)}`, message: p.message })), { hint: 'Nothing was sent to the server. Fix the source and run repo up again.' });
  }
  return source;
}
