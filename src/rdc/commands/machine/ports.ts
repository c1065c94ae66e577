import { Command } from 'commander';
import { repoLabel } from '../../../core/status/route-rows.js';
import { runWith, type CommandEnv } from '../run.js';

export function machinePortsCommand(env: CommandEnv): Command {
  return new Command('ports')
    .description('TCP and UDP ports forwarded to repos, including dynamic allocations')
    .argument('<machine>', 'machine name')
    .action(runWith(env, async ({ deps, args }) => {
      const { machinePorts } = await import('../../services/machine-inspect.js');
      const r = await machinePorts(deps, args[0] as string);
      if (deps.out.json) return deps.out.data(r);
      const rows = [...r.tcp.map((p) => ['tcp', p] as const), ...r.udp.map((p) => ['udp', p] as const)];
      if (!rows.length) return deps.out.result(`No TCP or UDP forwarding on ${r.machine}.`);
      deps.out.table(['PROTO', 'PORT', 'ENTRYPOINT', 'REPO', 'SERVICE', 'BACKEND', 'NOTE'],
        rows.map(([proto, p]) => [proto, String(p.port), p.entrypoint, repoLabel(p), p.service, p.backend, p.requested ? `asked for ${p.requested}, which another repo holds` : '']));
    }));
}
