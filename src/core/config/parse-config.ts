import type { Problem } from '../errors.js';
import { checkInfra } from '../infra/set-infra.js';
import { Secret } from '../util/secret.js';
import { childPath, Diagnostics } from './diagnostics.js';
import { isObject, readField, readList, readObject, str, warnUnknownKeys } from './fields.js';
import { DEFAULTS, emptyConfig, emptyContext, entryOf, emptyInfra, type Context, type Infra, type Machine, type RdcConfig, type Repository } from './model.js';
import * as v from './validators.js';
import { checkAcmeChallenge, checkCaRootPem, checkCaServer, checkDnsResolver } from './acme-validators.js';
import { checkHostKey } from './host-key.js';

export interface ParsedConfig {
  config: RdcConfig;
  errors: Problem[];
  warnings: Problem[];
}

/**
 * The only way to obtain an RdcConfig from untyped data (the YAML file). Reports every problem
 * with its path instead of stopping at the first; `config` is trustworthy only when `errors` is empty.
 */
export function parseConfig(raw: unknown): ParsedConfig {
  const d = new Diagnostics();
  const config: RdcConfig = emptyConfig();
  // Not readObject: its message quotes the value, and a file that is no config (RDC_CONFIG pointing
  // at a key or a token) must not have its content printed.
  const root = isObject(raw) ? raw : undefined;
  if (raw !== undefined && raw !== null && !root) d.error('(top level)', `the file holds ${Array.isArray(raw) ? 'a list' : `a ${typeof raw}`}, not an rdc config (key: value pairs starting with contexts:); is RDC_CONFIG pointing at the right file?`);
  // A mapping with none of rdc's keys is another program's file (a compose file…): never written into.
  if (root && Object.keys(root).length > 0 && !Object.hasOwn(root, 'contexts') && !Object.hasOwn(root, 'currentContext')) {
    d.error('(top level)', 'the file has none of the keys of an rdc config (contexts, currentContext); is RDC_CONFIG pointing at the right file?');
  } else if (root) {
    warnUnknownKeys(root, ['currentContext', 'contexts'], '', d);
    config.currentContext = readField(root, 'currentContext', '', d, str(v.checkName));
    const contexts = readObject(root.contexts, 'contexts', d) ?? {};
    for (const [name, value] of Object.entries(contexts)) {
      const path = childPath('contexts', name);
      if (!v.checkName(name).ok) d.error(path, 'is not a valid context name; use lower-case letters, digits and -');
      config.contexts[name] = parseContext(value, path, d);
    }
    if (config.currentContext && !entryOf(config.contexts, config.currentContext)) {
      d.error('currentContext', `names context ${v.show(config.currentContext)}, which does not exist; set it to one of: ${Object.keys(config.contexts).join(', ') || '(none)'}`);
    }
  }
  return { config, errors: d.errors, warnings: d.warnings };
}

function parseContext(value: unknown, path: string, d: Diagnostics): Context {
  const ctx = emptyContext();
  const obj = readObject(value, path, d);
  if (!obj) return ctx;
  warnUnknownKeys(obj, ['sshKey', 'defaultMachine', 'machines', 'repositories'], path, d);
  ctx.sshKey = readField(obj, 'sshKey', path, d, str(ok));
  ctx.defaultMachine = readField(obj, 'defaultMachine', path, d, str(v.checkName));
  const machines = readObject(obj.machines, childPath(path, 'machines'), d) ?? {};
  for (const [name, m] of Object.entries(machines)) {
    const mpath = childPath(childPath(path, 'machines'), name);
    if (!v.checkName(name).ok) d.error(mpath, 'is not a valid machine name; use lower-case letters, digits and -');
    ctx.machines[name] = parseMachine(m, mpath, d);
  }
  const repos = readObject(obj.repositories, childPath(path, 'repositories'), d) ?? {};
  for (const [name, r] of Object.entries(repos)) {
    const rpath = childPath(childPath(path, 'repositories'), name);
    if (!v.checkName(name).ok) d.error(rpath, 'is not a valid repository name; use lower-case letters, digits and -');
    const repo = parseRepository(r, rpath, d);
    if (repo && !entryOf(ctx.machines, repo.machine)) d.error(childPath(rpath, 'machine'), `names machine ${v.show(repo.machine)}, which is not in this context`);
    if (repo) ctx.repositories[name] = repo;
  }
  if (ctx.defaultMachine && !entryOf(ctx.machines, ctx.defaultMachine)) {
    d.error(childPath(path, 'defaultMachine'), `names machine ${v.show(ctx.defaultMachine)}, which is not in this context`);
  }
  return ctx;
}

function parseMachine(value: unknown, path: string, d: Diagnostics): Machine {
  const obj = readObject(value, path, d) ?? {};
  warnUnknownKeys(obj, ['host', 'user', 'port', 'sshKey', 'hostKeys', 'datastore', 'rootPrefix', 'infra', 'dnsZone'], path, d);
  const zone = readObject(obj.dnsZone, childPath(path, 'dnsZone'), d) ?? {};
  const zoneId = readField(zone, 'id', childPath(path, 'dnsZone'), d, str(ok));
  const zoneName = readField(zone, 'name', childPath(path, 'dnsZone'), d, str(v.checkDomain));
  return {
    host: readField(obj, 'host', path, d, str(v.checkHost), true) ?? '',
    user: readField(obj, 'user', path, d, str(v.checkUser), true) ?? '',
    port: readField(obj, 'port', path, d, v.checkPort) ?? DEFAULTS.port,
    sshKey: readField(obj, 'sshKey', path, d, str(ok)),
    hostKeys: readList(obj, 'hostKeys', path, d, str(checkHostKey)),
    datastore: readField(obj, 'datastore', path, d, str(v.checkDatastore)) ?? DEFAULTS.datastore,
    rootPrefix: readField(obj, 'rootPrefix', path, d, str(v.checkAbsolutePath)) ?? DEFAULTS.rootPrefix,
    infra: parseInfra(obj.infra, childPath(path, 'infra'), d),
    dnsZone: zoneId && zoneName ? { id: zoneId, name: zoneName } : undefined,
  };
}

const INFRA_KEYS = ['publicIPv4', 'publicIPv6', 'baseDomain', 'certEmail', 'cfDnsApiToken', 'tcpPorts', 'udpPorts', 'httpPort', 'httpsPort', 'listenAddress', 'traefikImage', 'routeServerPort', 'apiPort', 'acmeChallenge', 'acmeCaServer', 'acmeCaRoot', 'acmeDnsResolvers'] as const;

function parseInfra(value: unknown, path: string, d: Diagnostics): Infra {
  const infra = emptyInfra();
  const obj = readObject(value, path, d);
  if (!obj) return infra;
  warnUnknownKeys(obj, INFRA_KEYS, path, d);
  const token = readField(obj, 'cfDnsApiToken', path, d, str(v.checkToken));
  const parsed: Infra = {
    publicIPv4: readField(obj, 'publicIPv4', path, d, str(v.checkPublicIPv4)),
    publicIPv6: readField(obj, 'publicIPv6', path, d, str(v.checkPublicIPv6)),
    baseDomain: readField(obj, 'baseDomain', path, d, str(v.checkDomain)),
    certEmail: readField(obj, 'certEmail', path, d, str(v.checkEmail)),
    cfDnsApiToken: token === undefined ? undefined : new Secret(token),
    tcpPorts: v.uniqueSorted(readList(obj, 'tcpPorts', path, d, v.checkPort)),
    udpPorts: v.uniqueSorted(readList(obj, 'udpPorts', path, d, v.checkPort)),
    httpPort: readField(obj, 'httpPort', path, d, v.checkPort) ?? infra.httpPort,
    httpsPort: readField(obj, 'httpsPort', path, d, v.checkPort) ?? infra.httpsPort,
    listenAddress: readField(obj, 'listenAddress', path, d, str(v.checkListenAddress)),
    traefikImage: readField(obj, 'traefikImage', path, d, str(v.checkImage)) ?? infra.traefikImage,
    routeServerPort: readField(obj, 'routeServerPort', path, d, v.checkPort) ?? infra.routeServerPort,
    apiPort: readField(obj, 'apiPort', path, d, v.checkPort),
    acmeChallenge: readField(obj, 'acmeChallenge', path, d, str(checkAcmeChallenge)),
    acmeCaServer: readField(obj, 'acmeCaServer', path, d, str(checkCaServer)),
    acmeCaRoot: readField(obj, 'acmeCaRoot', path, d, str(checkCaRootPem)),
    acmeDnsResolvers: readList(obj, 'acmeDnsResolvers', path, d, str(checkDnsResolver)),
  };
  // Cross-field clashes are located on the raw list so the index matches what the user sees.
  const rawTcp = Array.isArray(obj.tcpPorts) ? obj.tcpPorts : [];
  for (const p of checkInfra(parsed, (field, i) => {
    if (field === 'tcpPorts' && i !== undefined) return childPath(childPath(path, field), rawTcp.indexOf(parsed.tcpPorts[i]));
    return childPath(path, field);
  })) d.error(p.where, p.message);
  return parsed;
}

function parseRepository(value: unknown, path: string, d: Diagnostics): Repository | undefined {
  const obj = readObject(value, path, d);
  if (!obj) return undefined;
  warnUnknownKeys(obj, ['machine', 'guid', 'networkId', 'path', 'credential', 'volume'], path, d);
  const machine = readField(obj, 'machine', path, d, str(v.checkName), true);
  const guid = readField(obj, 'guid', path, d, str(v.checkGuid), true);
  const networkId = readField(obj, 'networkId', path, d, v.checkNetworkId, true);
  const repoPath = readField(obj, 'path', path, d, str(ok));
  const credential = readField(obj, 'credential', path, d, str(v.checkToken), true);
  const volume = readField(obj, 'volume', path, d, str(v.checkVolumeKind));
  if (!machine || !guid || networkId === undefined || !credential) return undefined;
  return { machine, guid, networkId, path: repoPath, credential: new Secret(credential), volume };
}

/** A free-form string (a local path, a zone ID): not empty, and bounded like every other value. */
function ok(value: string): v.Check<string> {
  return v.tooLong(value, v.MAX_LENGTH.path, 'this value') ?? (value.length > 0 ? { ok: true, value } : { ok: false, expected: 'must not be empty' });
}

/** The host key check lives with the other host key helpers; re-exported for the config's readers. */
export { checkHostKey } from './host-key.js';
