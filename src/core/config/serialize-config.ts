import type { Context, Infra, Machine, RdcConfig, Repository } from './model.js';

/**
 * The inverse of parseConfig: plain data for the YAML file. This is the one place where secrets are
 * revealed, because the local config file (0600) is where they live.
 */
export function serializeConfig(config: RdcConfig): Record<string, unknown> {
  // fromEntries defines own properties: a name is never taken for `__proto__`'s setter.
  const contexts = Object.fromEntries(Object.entries(config.contexts).map(([name, ctx]) => [name, serializeContext(ctx)]));
  return compact({ currentContext: config.currentContext, contexts });
}

function serializeContext(ctx: Context): Record<string, unknown> {
  const machines = Object.fromEntries(Object.entries(ctx.machines).map(([name, m]) => [name, serializeMachine(m)]));
  const repositories = Object.fromEntries(Object.entries(ctx.repositories).map(([name, r]) => [name, serializeRepository(r)]));
  return compact({ sshKey: ctx.sshKey, defaultMachine: ctx.defaultMachine, machines, repositories });
}

function serializeMachine(m: Machine): Record<string, unknown> {
  return compact({
    host: m.host,
    user: m.user,
    port: m.port,
    sshKey: m.sshKey,
    hostKeys: m.hostKeys.length ? m.hostKeys : undefined,
    datastore: m.datastore,
    rootPrefix: m.rootPrefix,
    infra: serializeInfra(m.infra),
    dnsZone: m.dnsZone,
  });
}

export function serializeInfra(infra: Infra): Record<string, unknown> {
  return compact({ ...infra, cfDnsApiToken: infra.cfDnsApiToken?.reveal() });
}

function serializeRepository(r: Repository): Record<string, unknown> {
  return compact({ machine: r.machine, guid: r.guid, networkId: r.networkId, path: r.path, credential: r.credential.reveal(), volume: r.volume });
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
