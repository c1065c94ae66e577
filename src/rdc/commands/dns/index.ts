import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function dnsCommand(env: CommandEnv): Command {
  const sync = new Command('sync')
    .description('create and update the Cloudflare records of a machine and its routes (only rdc\'s own)')
    .argument('<machine>', 'machine name')
    .option('--dry-run', 'show the plan and change nothing')
    .action(runWith<{ dryRun?: boolean }>(env, async ({ deps, args, opts }) => {
      const { dnsSync } = await import('../../services/dns-service.js');
      const r = await dnsSync(deps, args[0] as string, Boolean(opts.dryRun));
      if (deps.out.json) return deps.out.data(r);
      deps.out.heading(`DNS for ${r.machine} in zone ${r.zone}${r.dryRun ? ' (dry run)' : ''}: ${r.summary}`);
      deps.out.table(['OP', 'TYPE', 'NAME', 'CONTENT', 'NOTE'], r.ops.map((o) => [o.op, o.type, o.name, o.content, o.note]));
      for (const host of r.outside) deps.out.warn(`${host} is not in zone ${r.zone}; create its record where that domain is hosted.`);
      for (const o of r.ops.filter((x) => x.op === 'conflict')) deps.out.warn(`${o.name}: ${o.note}. Remove it or point it at this machine yourself.`);
    }));
  const list = new Command('list')
    .description('the A, AAAA and CNAME records of the machine\'s zone, and which are rdc\'s')
    .argument('<machine>', 'machine name')
    .action(runWith(env, async ({ deps, args }) => {
      const { dnsList } = await import('../../services/dns-service.js');
      const r = await dnsList(deps, args[0] as string);
      if (deps.out.json) return deps.out.data(r);
      deps.out.table(['TYPE', 'NAME', 'CONTENT', 'MANAGED BY RDC'], r.records.map((x) => [x.type, x.name, x.content, x.managed ? 'yes' : '-']));
    }));
  return new Command('dns').description('Cloudflare DNS records for machines and their routes').addCommand(sync).addCommand(list);
}
