import { acmeChallenge, tlsConfigured, type Infra, type Machine } from '../../core/config/model.js';
import { selectContext, selectMachine } from '../../core/config/select.js';
import { formatProblems, UserError, ValidationError, type Problem } from '../../core/errors.js';
import { describeCaRoot } from '../../core/config/acme-validators.js';
import { readCaRootFile } from './read-ca-root.js';
import { entryPoints, routeEntryPoints } from '../../core/infra/entrypoints.js';
import { applyInfraFlags, type InfraFlags } from '../../core/infra/set-infra.js';
import { maskSecret } from '../../core/util/secret.js';
import { readConfig, type Deps } from './deps.js';
import { readSecretFlag } from './read-secret.js';

/**
 * Stores infra settings for a machine. All flags are validated together; on any problem the config
 * file is left byte-identical.
 */
export async function setInfra(deps: Deps, machineName: string, flags: InfraFlags) {
  if (Object.values(flags).every((f) => f === undefined)) {
    throw new UserError('Nothing to set.', { hint: 'Pass at least one setting, e.g. --public-ipv4 203.0.113.50 --base-domain example.com (see rdc context set-infra --help).' });
  }
  // "" removes the token (like every setting); only a real value is read and guarded.
  if (flags.cfDnsToken !== undefined && flags.cfDnsToken !== '') {
    const token = await readSecretFlag('--cf-dns-token', flags.cfDnsToken, deps.io.stdin);
    if (token.value === '') throw new UserError(`--cf-dns-token ${flags.cfDnsToken === '-' ? '-' : '@FILE'}: read an empty token.`, { hint: 'Pipe or point at the Cloudflare API token; to remove the stored token pass --cf-dns-token "".' });
    deps.out.addSecret(token.value);
    if (token.fromArgv) deps.out.warn('the token was given on the command line, where other local users can read it (ps, shell history); next time use --cf-dns-token - (stdin) or --cf-dns-token @FILE.');
    flags = { ...flags, cfDnsToken: token.value };
  }
  // The CA root is given as a file; its content is what is checked and stored.
  const readProblems: Problem[] = [];
  if (flags.acmeCaRoot !== undefined && flags.acmeCaRoot !== '') {
    const pem = await readCaRootFile(flags.acmeCaRoot);
    if (pem.ok) flags = { ...flags, acmeCaRoot: pem.value };
    else {
      readProblems.push({ where: '--acme-ca-root', message: pem.expected });
      flags = { ...flags, acmeCaRoot: undefined };
    }
  }
  return deps.store.update((config) => {
    const selected = selectContext(config, deps.flags.context);
    const machine = selectMachine(selected, machineName);
    const change = applyInfraFlags(machine.infra, flags);
    change.problems.unshift(...readProblems);
    if (change.problems.length) {
      throw new ValidationError(change.problems, { title: `Invalid infra settings for ${machineName} (nothing was changed):\n${formatProblems(change.problems)}` });
    }
    machine.infra = change.infra;
    return { context: selected.name, machine: machineName, changed: change.changed, infra: infraView(machine) };
  });
}

export async function showInfra(deps: Deps, machineName: string) {
  const config = await readConfig(deps);
  const selected = selectContext(config, deps.flags.context);
  return { context: selected.name, machine: machineName, infra: infraView(selectMachine(selected, machineName)) };
}

/** The infra settings as shown to users: the token masked, derived facts spelled out. */
export function infraView(machine: Machine) {
  const infra: Infra = machine.infra;
  const routes = routeEntryPoints(infra);
  return {
    publicIPv4: infra.publicIPv4 ?? null,
    publicIPv6: infra.publicIPv6 ?? null,
    baseDomain: infra.baseDomain ?? null,
    certEmail: infra.certEmail ?? null,
    cfDnsApiToken: infra.cfDnsApiToken ? maskSecret(infra.cfDnsApiToken) : null,
    tcpPorts: infra.tcpPorts,
    udpPorts: infra.udpPorts,
    httpPort: infra.httpPort,
    httpsPort: infra.httpsPort,
    listenAddress: infra.listenAddress ?? null,
    traefikImage: infra.traefikImage,
    routeServerPort: infra.routeServerPort,
    apiPort: infra.apiPort ?? null,
    acmeChallenge: tlsConfigured(infra) ? acmeChallenge(infra) : null,
    acmeCaServer: infra.acmeCaServer ?? null,
    acmeCaRoot: infra.acmeCaRoot ? describeCaRoot(infra.acmeCaRoot) : null,
    acmeDnsResolvers: infra.acmeDnsResolvers,
    tls: tlsConfigured(infra),
    routeEntryPoints: routes.entryPoints,
    entryPoints: entryPoints(infra).map((e) => ({ name: e.name, address: e.address })),
  };
}

export type InfraView = ReturnType<typeof infraView>;
