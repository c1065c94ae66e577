import { Command } from 'commander';
import type { InfraFlags } from '../../../core/infra/set-infra.js';
import { runWith, type CommandEnv } from '../run.js';

export function contextSetInfraCommand(env: CommandEnv): Command {
  return new Command('set-infra')
    .description('store a machine\'s infra settings (validated; nothing is written on a bad value)')
    .argument('<machine>', 'machine name')
    .option('--public-ipv4 <ip>', 'public IPv4 address: websecure binds {ip}:443')
    .option('--public-ipv6 <ip>', 'public IPv6 address: websecure-v6 binds [{ip}]:443')
    .option('--base-domain <domain>', 'auto routes are {service}-{networkId}.{domain}')
    .option('--cert-email <email>', 'ACME account email: turns certificates on (TLS-ALPN-01, or DNS-01 with --cf-dns-token)')
    .option('--cf-dns-token <token>', 'Cloudflare API token with Zone:DNS:Edit; "-" reads stdin, "@FILE" reads a file, "" removes it')
    .option('--tcp-ports <csv>', 'extra TCP entrypoints tcp-{port}, e.g. 25,143,993 ("" clears)')
    .option('--udp-ports <csv>', 'extra UDP entrypoints udp-{port}, e.g. 53,1194 ("" clears)')
    .option('--http-port <port>', 'port of the web entrypoint (default 80)')
    .option('--https-port <port>', 'port of the websecure entrypoints (default 443)')
    .option('--listen-address <ip>', 'bind web, tcp-* and udp-* to this address instead of all ("" clears)')
    .option('--traefik-image <image>', 'Traefik image (default traefik:v3.7)')
    .option('--route-server-port <port>', 'loopback port of the route server (default 7111)')
    .option('--api-port <port>', 'serve Traefik\'s API/dashboard on 127.0.0.1:{port} ("" turns it off)')
    .option('--acme-challenge <type>', 'tls (TLS-ALPN-01 on websecure), http (HTTP-01 on web) or dns (Cloudflare DNS-01, wildcards); default dns with --cf-dns-token, else tls')
    .option('--acme-ca-server <url>', 'ACME directory URL instead of Let\'s Encrypt\'s, e.g. https://acme-staging-v02.api.letsencrypt.org/directory')
    .option('--acme-ca-root <file>', 'PEM root certificate Traefik trusts for --acme-ca-server\'s HTTPS (stored and pushed as a file)')
    .option('--acme-dns-resolvers <csv>', 'DNS-01: resolvers (ip[:port]) to find the zone and check the TXT record with, instead of 1.1.1.1/1.0.0.1 and the zone\'s own nameservers ("" clears)')
    .addHelpText('after', '\nAn empty value ("") puts a setting back to its default.\nExample:\n  rdc context set-infra server-1 --public-ipv4 203.0.113.50 --base-domain example.com \\\n    --cert-email admin@example.com --cf-dns-token - < token.txt')
    .action(runWith<InfraFlags>(env, async ({ deps, args, opts }) => {
      const { setInfra } = await import('../../services/infra-service.js');
      const flags: InfraFlags = {
        publicIpv4: opts.publicIpv4, publicIpv6: opts.publicIpv6, baseDomain: opts.baseDomain, certEmail: opts.certEmail,
        cfDnsToken: opts.cfDnsToken, tcpPorts: opts.tcpPorts, udpPorts: opts.udpPorts, httpPort: opts.httpPort,
        httpsPort: opts.httpsPort, listenAddress: opts.listenAddress, traefikImage: opts.traefikImage,
        routeServerPort: opts.routeServerPort, apiPort: opts.apiPort,
        acmeChallenge: opts.acmeChallenge, acmeCaServer: opts.acmeCaServer, acmeCaRoot: opts.acmeCaRoot,
        acmeDnsResolvers: opts.acmeDnsResolvers,
      };
      const result = await setInfra(deps, args[0] as string, flags);
      if (deps.out.json) return deps.out.data(result);
      deps.out.done(result.changed.length ? `Infra of ${result.machine} updated: ${result.changed.join(', ')}.` : `Infra of ${result.machine} unchanged.`);
      const acmeSet = result.infra.cfDnsApiToken || result.infra.acmeCaServer || flags.acmeChallenge;
      if (!result.infra.tls && acmeSet) deps.out.warn('certificates stay off until --cert-email is set.');
      else if (result.infra.tls && result.infra.routeEntryPoints.includes('web')) {
        deps.out.warn('certificates need a websecure entrypoint: set --public-ipv4 (or --public-ipv6) so routes can use HTTPS.');
      }
      deps.out.result(`Apply it with: rdc context push-infra ${result.machine}`);
    }));
}
