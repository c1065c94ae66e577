import { Command } from 'commander';
import { runWith, type CommandEnv } from '../run.js';

export function machineStatusCommand(env: CommandEnv): Command {
  return new Command('status')
    .description('Traefik, the route server, repo daemons, conflicts, and the likely cause of what fails')
    .argument('<machine>', 'machine name')
    .action(runWith(env, async ({ deps, args }) => {
      const { machineStatus } = await import('../../services/machine-inspect.js');
      const s = await machineStatus(deps, args[0] as string);
      if (deps.out.json) return deps.out.data(s);
      const h = s.router.health;
      deps.out.heading(`Machine ${s.machine}`);
      deps.out.fields([
        ['Traefik', s.traefik.running ? `running (${s.traefik.image ?? 'image unknown'})` : 'NOT running'],
        ['route server', s.router.httpStatus === 200 ? `${h?.status === 'ok' ? 'healthy' : h?.status ?? 'answering'}, ${h?.routers ?? 0} routers, ${h?.services ?? 0} services, ${h?.autoRoutes ?? 0} auto routes${s.router.supervisedBy ? ` (${s.router.supervisedBy})` : ''}` : s.router.httpStatus ? `answers ${s.router.httpStatus}` : 'NOT answering'],
        ['routes in Traefik', h?.proxy ? (h.proxy.synced ? `loaded ${h.proxy.loadedAt ?? ''}` : `NOT loaded (file written ${h.proxy.writtenAt ?? 'never'})`) : '-'],
        ['certificates', s.certResolver ? `resolver ${s.certResolver}, ${s.certificates.filter((c) => c.notAfter).length} issued` : 'no resolver (plain HTTP; websecure routes get a self-signed certificate)'],
        ['base domain', s.baseDomain ?? '-'],
      ]);
      if (s.repoVolumes?.length) deps.out.table(['REPO', 'NETWORK', 'VOLUME', 'STATE'], s.repoVolumes.map((r) => [r.name, String(r.networkId), r.volume, r.state]));
      if (h?.daemons.length) deps.out.table(['REPO', 'DAEMON', 'CONTAINERS'], h.daemons.map((d) => [String(d.networkId), d.ok ? 'up' : `DOWN: ${d.error ?? ''}`, String(d.containers)]));
      if (s.certificates.length) {
        deps.out.table(['DOMAIN', 'ISSUER', 'EXPIRES', 'RESOLVER', 'LAST ERROR'], s.certificates.map((c) => [
          c.domain, c.issuer ?? '-', c.notAfter ? `${c.notAfter.slice(0, 10)} (${c.daysLeft} days)` : 'NONE', c.resolver ?? '-', c.lastError ? (c.cause ?? 'see findings') : '-',
        ]));
      }
      if (s.findings.length) {
        deps.out.result();
        deps.out.heading('Findings:');
        for (const f of s.findings) deps.out.result(`  - ${f}`);
      } else deps.out.done('No problems found.');
    }));
}
