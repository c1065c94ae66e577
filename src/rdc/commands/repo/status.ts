import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';
import { fallbackField, printUrls, volumeLine } from './print.js';

export function repoStatusCommand(env: CommandEnv): Command {
  return new Command('status')
    .description('the repo\'s volume, daemon, containers with their IPs, and routes')
    .argument('<name>', 'repo name')
    .option('-m, --machine <machine>', 'machine (default: where the repo lives)')
    .action(runWith<{ machine?: string }>(env, async ({ deps, args, opts }) => {
      const { repoStatus } = await import('../../services/repo-service.js');
      const s = await repoStatus(deps, args[0] as string, opts);
      if (deps.out.json) return deps.out.data(s);
      deps.out.heading(`Repo ${s.repo} on ${s.machine} (network ${s.networkId})`);
      deps.out.fields([['volume', s.exists ? volumeLine(s.volume, s.mounted) : 'not created on the machine'], ...fallbackField(s.volumeFallback), ['daemon', `${s.daemon} (${s.socket})`]]);
      if (s.containers.length) deps.out.table(['SERVICE', 'IP', 'STATE', 'IMAGE', 'ID'], s.containers.map((c) => [c.service || '-', c.ip || '-', c.state, c.image, c.id]));
      deps.out.heading('URLs:');
      printUrls(deps.out, s.urls);
      if (s.findings.length) {
        deps.out.heading('Findings:');
        for (const f of s.findings) deps.out.result(`  - ${f}`);
      }
    }));
}

export function repoListCommand(env: CommandEnv): Command {
  return new Command('list')
    .description('every repo of the context with its machine, daemon and containers')
    .option('-m, --machine <machine>', 'only the repos on this machine')
    .action(runWith<{ machine?: string }>(env, async ({ deps, opts }) => {
      const { repoList } = await import('../../services/repo-service.js');
      const rows = await repoList(deps, opts);
      if (deps.out.json) return deps.out.data(rows);
      if (!rows.length) return deps.out.result('No repos yet. Deploy one with: rdc repo up NAME -m MACHINE --path DIR --mount');
      deps.out.table(['REPO', 'MACHINE', 'NETWORK', 'VOLUME', 'DAEMON', 'CONTAINERS', 'URL'], rows.map((r) => 'error' in r
        ? [r.repo, r.machine, String(r.networkId), '?', `unreachable: ${r.error}`, '-', '-']
        : [r.repo, r.machine, String(r.networkId), r.exists ? `${r.volume}${r.mounted ? '' : ' (unmounted)'}` : 'not created', r.daemon, String(r.containers.filter((c) => c.state === 'running').length), r.urls[0]?.url ?? '-']));
    }));
}
