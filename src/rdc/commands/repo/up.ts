import { Command } from 'commander';
import { RdcError, ValidationError } from '../../../core/errors.js';
import type { Deps } from '../../services/deps.js';
import type { RepoUpOptions } from '../../services/repo-up-service.js';
import { runWith, type CommandEnv } from '../run.js';
import { fallbackField, printClaims, printServicePlan, printTimings, printUrls, volumeLine, withCreationOptions } from './print.js';

export function repoUpCommand(env: CommandEnv): Command {
  const cmd: Command = withCreationOptions(new Command('up')
    .description('sync the source dir, mount the volume, start the repo\'s daemon, run prep() then up() of every Rediaccfile, print the URLs')
    .argument('[name]', 'repo name (created on first up)')
    .option('--all', 'every repo of the machine (-m, else the default machine) from the config: mount, daemon, Rediaccfiles, 4 at a time')
    .option('-m, --machine <machine>', 'machine (default: where the repo lives, else the context\'s default machine)')
    .option('--path <dir>', 'local source directory (remembered; default: the current directory when it holds a Rediaccfile)')
    .option('--mount', 'mount the repo\'s volume if it is not mounted')
    .option('--prep-only', 'run prep() only')
    .option('--timings', 'print how long each phase took')
    .option('--unsafe', 'trust this repo with the host: its compose files may use privileged, host paths, capabilities… (the compose policy is not applied)'))
    .option('--dry-run', 'print what would change and change nothing')
    .action(runWith<RepoUpOptions & { timings?: boolean; all?: boolean }>(env, async ({ deps, args, opts }) => {
      checkAllFlags(cmd, args[0], Boolean(opts.all));
      if (opts.all) return upAll(deps, opts);
      const { repoUp } = await import('../../services/repo-up-service.js');
      const r = await repoUp(deps, args[0] as string, opts);
      if (deps.out.json) return deps.out.data(r);
      if (r.dryRun) {
        const p = r.plan;
        deps.out.heading(`Plan for repo ${r.repo} on ${r.machine} (network ${r.networkId}):`);
        deps.out.fields([
          ['repo', p.exists ? 'exists' : 'would be created'],
          ['volume', `${volumeLine(p.volume, p.mounted)}${!p.mounted ? (opts.mount ? ' (would be mounted)' : ' — needs --mount') : ''}`],
          ['files', p.sync ? `${r.files} in source: ${p.sync.upload} to upload, ${p.sync.placed} to place, ${p.sync.deleted} to delete, ${p.sync.kept} unchanged` : `${r.files} in source (compared once the volume is mounted)`],
          ['daemon', p.daemon === 'running' ? 'running' : 'would be started'],
          ['then', opts.prepOnly ? 'prep() of every Rediaccfile' : 'prep() then up() of every Rediaccfile'],
        ]);
        if (!opts.prepOnly) printServicePlan(deps.out, p.services, p.sync ? p.sync.upload + p.sync.placed + p.sync.deleted : 0);
        return;
      }
      const s = r.reply.sync;
      deps.out.done(`Repo ${r.repo} is up on ${r.machine} (network ${r.networkId}).`);
      deps.out.fields([
        ['volume', `${volumeLine(r.reply.volume, true)}${r.reply.created ? ' (created)' : ''}`],
        ...fallbackField(r.reply.volumeFallback),
        ['files', s ? `${s.placed} updated, ${s.deleted} deleted, ${s.kept} unchanged` : '-'],
        ['daemon', r.reply.daemon ?? '-'],
        ['Rediaccfiles', (r.reply.steps ?? []).filter((x) => x.status !== 'absent').map((x) => `${x.dir || '.'}:${x.fn} ${x.status}`).join(', ') || 'none ran'],
      ]);
      for (const path of r.skipped) deps.out.warn(`not synced (not a regular file): ${path}`);
      if (!opts.prepOnly) {
        deps.out.heading('URLs:');
        printUrls(deps.out, r.urls);
        printClaims(deps.out, r.reply.claims);
        if (r.reply.routesSettled === false) deps.out.warn(`the route server had not seen every container yet; check with rdc repo status ${r.repo}`);
      }
      if (r.dns?.summary) deps.out.result(`DNS (Cloudflare): ${r.dns.summary}.`);
      if (r.dns?.error) deps.out.warn(`DNS sync failed, the app is up: ${r.dns.error} (retry with rdc dns sync ${r.machine})`);
      printTimings(deps.out, r.timings, Boolean(opts.timings));
    }));
  return cmd;
}

/** A name or --all, never both; --all takes none of the flags that belong to one repo. Exit 2, nothing done. */
function checkAllFlags(cmd: Command, name: string | undefined, all: boolean): void {
  if (!all) {
    if (name === undefined) throw new ValidationError([{ where: '<name>', message: 'which repo? Give its name, or --all for every repo of a machine' }], { hint: 'rdc repo up NAME, or rdc repo up --all -m MACHINE' });
    return;
  }
  if (name !== undefined) throw new ValidationError([{ where: '--all', message: `give a repo name (${name}) or --all, not both` }], { hint: `rdc repo up ${name}, or rdc repo up --all -m MACHINE` });
  const oneRepo = ['path', 'prepOnly', 'dryRun', 'networkId', 'volume', 'size'].filter((k) => cmd.getOptionValueSource(k) === 'cli');
  if (oneRepo.length) {
    throw new ValidationError(oneRepo.map((k) => ({ where: `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, message: 'applies to one repo; --all brings up the repos the config already has, each with its own settings' })));
  }
}

async function upAll(deps: Deps, opts: RepoUpOptions): Promise<void> {
  const { repoUpAll } = await import('../../services/repo-up-all.js');
  const r = await repoUpAll(deps, opts.machine, { unsafe: opts.unsafe });
  if (deps.out.json) deps.out.data(r);
  else if (!r.rows.length) return deps.out.done(`No repo of the config lives on ${r.machine}: nothing to bring up.`);
  else {
    deps.out.heading(`Repos on ${r.machine}:`);
    deps.out.table(['REPO', 'NETWORK', 'RESULT', 'DETAIL'], r.rows.map((x) => [x.repo, String(x.networkId), x.ok ? 'up' : 'FAILED', x.detail]));
  }
  if (r.failed.length) throw new RdcError(`repo up --all: ${r.failed.length} of ${r.rows.length} repo(s) failed on ${r.machine}: ${r.failed.join(', ')}.`, { hint: `rdc repo up NAME -m ${r.machine} --mount shows one in full` });
  deps.out.done(`All ${r.rows.length} repo(s) are up on ${r.machine}.`);
}
