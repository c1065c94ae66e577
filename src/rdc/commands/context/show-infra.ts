import { Command } from 'commander';
import { PRECONFIGURED_TCP_PORTS, PRECONFIGURED_UDP_PORTS, DYNAMIC_TCP_RANGE } from '../../../core/infra/ports.js';
import { runWith, type CommandEnv } from '../run.js';

export function contextShowInfraCommand(env: CommandEnv): Command {
  return new Command('show-infra')
    .description('show a machine\'s infra settings (the token is masked)')
    .argument('<machine>', 'machine name')
    .action(runWith(env, async ({ deps, args }) => {
      const { showInfra } = await import('../../services/infra-service.js');
      const view = await showInfra(deps, args[0] as string);
      if (deps.out.json) return deps.out.data(view);
      const i = view.infra;
      const list = (ports: number[]) => (ports.length ? ports.join(', ') : '-');
      deps.out.heading(`Infra of ${view.machine} (context ${view.context})`);
      deps.out.fields([
        ['public IPv4', i.publicIPv4 ?? '-'],
        ['public IPv6', i.publicIPv6 ?? '-'],
        ['base domain', i.baseDomain ?? '- (no auto routes)'],
        ['cert email', i.certEmail ?? '-'],
        ['CF DNS token', i.cfDnsApiToken ?? '-'],
        ['TLS', i.tls ? `ACME ${({ dns: 'DNS-01 via Cloudflare', tls: 'TLS-ALPN-01', http: 'HTTP-01' } as Record<string, string>)[i.acmeChallenge ?? ''] ?? ''} (resolver letsencrypt)` : 'off (plain HTTP, or the default certificate; set --cert-email)'],
        ['ACME server', i.acmeCaServer ? `${i.acmeCaServer}${i.acmeCaRoot ? `, root ${i.acmeCaRoot}` : ''}` : 'Let\'s Encrypt'],
        ...(i.acmeChallenge === 'dns' ? [['DNS-01 resolvers', i.acmeDnsResolvers.length ? `${i.acmeDnsResolvers.join(', ')} (the zone's own nameservers are not asked)` : '1.1.1.1, 1.0.0.1 (Cloudflare)'] as [string, string]] : []),
        ['routes attach to', i.routeEntryPoints.join(', ')],
        ['HTTP / HTTPS port', `${i.httpPort} / ${i.httpsPort}`],
        ['TCP ports', `${list(i.tcpPorts)} (+ ${PRECONFIGURED_TCP_PORTS.join(', ')}, ${DYNAMIC_TCP_RANGE.first}-${DYNAMIC_TCP_RANGE.last})`],
        ['UDP ports', `${list(i.udpPorts)} (+ ${PRECONFIGURED_UDP_PORTS.join(', ')})`],
        ['listen address', i.listenAddress ?? i.publicIPv4 ?? i.publicIPv6 ?? "the server's primary address (detected by push-infra)"],
        ['Traefik image', i.traefikImage],
        ['route server', `127.0.0.1:${i.routeServerPort}`],
        ['Traefik API', i.apiPort ? `127.0.0.1:${i.apiPort}` : 'off'],
      ]);
    }));
}
