import { Command } from 'commander';
import { repoLabel } from '../../../core/status/route-rows.js';
import { runWith, type CommandEnv } from '../run.js';

export function machineRoutesCommand(env: CommandEnv): Command {
  return new Command('routes')
    .description('the HTTP, TCP and UDP routes the route server gives Traefik')
    .argument('<machine>', 'machine name')
    .action(runWith(env, async ({ deps, args }) => {
      const { machineRoutes } = await import('../../services/machine-inspect.js');
      const r = await machineRoutes(deps, args[0] as string);
      if (deps.out.json) return deps.out.data(r);
      if (!r.routes.length) return deps.out.result(`No routes on ${r.machine}: no running container has routing labels.`);
      deps.out.table(['KIND', 'HOST / ENTRYPOINT', 'BACKEND', 'REPO', 'LEVEL', 'ROUTER'],
        r.routes.map((x) => [x.kind, x.match, x.backend, repoLabel(x), String(x.level), x.router]));
    }));
}
