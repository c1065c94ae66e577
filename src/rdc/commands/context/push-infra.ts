import { Command } from 'commander';
import type { Output } from '../../output/output.js';
import { runWith, type CommandEnv } from '../run.js';

export function contextPushInfraCommand(env: CommandEnv): Command {
  return new Command('push-infra')
    .description('render the proxy, route server and Traefik config for a machine, push it over SSH, apply and verify it')
    .argument('<machine>', 'machine name')
    .option('--output <dir>', 'write the rendered server tree into DIR instead (no network)')
    .option('--dry-run', 'print the plan and change nothing')
    .action(runWith<{ output?: string; dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const { pushInfra } = await import('../../services/push-infra-service.js');
      const result = await pushInfra(deps, args[0] as string, { output: opts.output, dryRun: opts.dryRun });
      if (deps.out.json) return deps.out.data(result);
      if (result.mode === 'output') {
        deps.out.done(`${result.dryRun ? 'Would render' : 'Rendered'} the infra of ${result.machine} into ${result.directory} (${result.summary}):`);
        deps.out.table(['OP', 'MODE', 'SHA256', 'PATH'], result.plan.map((f) => [f.op, f.mode, f.sha256.slice(0, 12), f.path]));
        for (const w of result.warnings) deps.out.warn(w);
        return;
      }
      printRemote(deps.out, result);
    }));
}

type Remote = Extract<Awaited<ReturnType<typeof import('../../services/push-infra-service.js').pushInfra>>, { mode: 'ssh' }>;

function printRemote(out: Output, r: Remote): void {
  const changes = r.plan.filter((o) => o.op !== 'keep');
  if (r.bind.source === 'detected') out.result(`Entrypoints bind ${r.bind.address}, ${r.machine}'s primary address (detected: no --public-ipv4 or --listen-address is set).`);
  if (r.dryRun) {
    out.heading(`Plan for ${r.machine}${r.renet === 'would install' ? ' (renet would be installed first)' : ''}:`);
    if (changes.length) out.table(['OP', 'PATH', 'WHY'], changes.map((o) => [o.op, o.path, o.cause]));
    else out.result('  no file changes');
  } else if (!('applied' in r) || !r.applied) {
    out.done(`Infra of ${r.machine} is up to date: nothing changed, nothing restarted.`);
  } else {
    const a = r.applied;
    out.done(`Pushed the infra of ${r.machine}: ${a.changed.length} file(s) changed${a.chmod.length ? `, ${a.chmod.length} mode(s) fixed` : ''}; proxy ${a.proxy}; route server ${a.router}${r.renet === 'installed' ? '; renet installed' : ''}.`);
    if (a.changed.length) out.table(['OP', 'PATH'], [...a.changed, ...a.chmod].map((o) => [o.op, o.path]));
    out.result(`Verified: Traefik running, route server /health ${a.verify.routerHealth}.`);
  }
  if (r.dns?.summary) out.result(`DNS (Cloudflare): ${r.dns.summary}.`);
  if (r.dns?.error) out.warn(`DNS sync failed, the push stands: ${r.dns.error} (retry with rdc dns sync ${r.machine})`);
  out.progress(`timings: ${Object.entries(r.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
}
