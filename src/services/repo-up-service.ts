import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RdcError, ValidationError } from '../errors.js';
import type { RepoReply } from '../repo/repo-reply.js';
import { repoUrls } from '../repo/repo-urls.js';
import { checkSource } from '../repo/source-check.js';
import { COMPOSE_FILES } from '../compose/files.js';
import { withConnection } from './connect-machine.js';
import { syncDnsAfterChange } from './dns-after-change.js';
import type { Deps } from './deps.js';
import { askRepo, failedStep, throwIfRefused } from './repo-remote.js';
import { readSource, type LocalSource } from './repo-source.js';
import { repoRequest, repoTarget, saveRepo, type RepoTarget, type VolumeChoice } from './repo-target.js';
import { phaseTimer } from '../util/phase-timer.js';

export interface RepoUpOptions {
  machine?: string;
  path?: string;
  mount?: boolean;
  prepOnly?: boolean;
  dryRun?: boolean;
  volume?: VolumeChoice;
  size?: string;
  networkId?: string;
}

/**
 * `rdc repo up`: check the source locally (nothing leaves the workstation when it is wrong), then
 * over one SSH connection let renet create, mount, sync, start and run the Rediaccfiles. Uploads
 * happen only when renet lacks some contents; then it is asked again.
 */
export async function repoUp(deps: Deps, name: string, opts: RepoUpOptions) {
  const { timings, time } = phaseTimer();
  const t = await repoTarget(deps, name, opts.machine, { mayCreate: true, networkId: opts.networkId });
  const request = repoRequest(t, { volume: opts.volume, size: opts.size, mount: Boolean(opts.mount), prepOnly: Boolean(opts.prepOnly) });
  const source = await time('hash', () => checkedSource(deps, t, opts.path));
  const manifest = source.files;
  return withConnection(deps, t.machineName, t.machine, t.context, async (runner) => {
    if (opts.dryRun) return { dryRun: true as const, ...summary(t, source), plan: await askRepo(runner, t, 'plan', { ...request, manifest }) };
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
    throwIfRefused(reply, t);
    if (reply.needUpload?.length) {
      const wanted = new Set(reply.needUpload);
      const files = manifest.filter((f) => wanted.delete(f.sha256));
      const incoming = reply.incoming as string;
      await time('upload', async () => runner.upload(await Promise.all(files.map(async (f) => ({ path: `${incoming}/${f.sha256}`, content: await source.read(f.path), mode: 0o600 })))));
      reply = await time('server', () => askRepo(runner, t, 'up', { ...request, manifest }));
      serverTimings(reply);
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

function summary(t: RepoTarget, source: LocalSource) {
  return { repo: t.name, machine: t.machineName, networkId: t.repo.networkId, source: source.dir, files: source.files.length, skipped: source.skipped };
}

export function urlsOf(t: RepoTarget, reply: RepoReply) {
  const infra = t.machine.infra;
  return repoUrls(reply.routes ?? [], t.repo.networkId, { httpPort: infra.httpPort, httpsPort: infra.httpsPort, publicHost: infra.publicIPv4 ?? t.machine.host });
}

/** `--path`, else the remembered path, else the current directory when it holds a Rediaccfile. */
async function checkedSource(deps: Deps, t: RepoTarget, pathFlag: string | undefined): Promise<LocalSource> {
  const dir = pathFlag ?? t.repo.path ?? (existsSync(join(deps.io.cwd, 'Rediaccfile')) ? deps.io.cwd : undefined);
  if (dir === undefined) throw new ValidationError([{ where: '--path', message: `no source directory: the current directory has no Rediaccfile; give --path DIR` }]);
  const source = await readSource(deps.io.cwd, dir);
  const texts = new Map<string, string>();
  for (const f of source.files) {
    const base = f.path.split('/').pop() as string;
    if (base === 'Rediaccfile' || COMPOSE_FILES.includes(base)) texts.set(f.path, (await source.read(f.path)).toString('utf8'));
  }
  const problems = checkSource(source.files.map((f) => f.path), (p) => texts.get(p) ?? '');
  if (problems.length) {
    throw new ValidationError(problems.map((p) => ({ where: `${resolve(source.dir, p.where)}`, message: p.message })), { hint: 'Nothing was sent to the server. Fix the source and run repo up again.' });
  }
  return source;
}
