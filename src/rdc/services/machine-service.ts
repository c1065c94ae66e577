import { checkHostKey } from '../../core/config/parse-config.js';
import { DEFAULTS, emptyContext, emptyInfra, entryOf, type Machine } from '../../core/config/model.js';
import { assertName, contextName, selectContext, selectMachine } from '../../core/config/select.js';
import * as v from '../../core/config/validators.js';
import { formatProblems, UserError, ValidationError, type Problem } from '../../core/errors.js';
import { readConfig, type Deps } from './deps.js';
import { resolveKeyPath } from './ssh-key-path.js';

export interface AddMachineFlags {
  ip?: string;
  user?: string;
  port?: string;
  sshKey?: string;
  datastore?: string;
  rootPrefix?: string;
  hostKey?: string[];
  scan: boolean;
}

/**
 * Registers a machine. Every flag is checked first and all problems are reported together; the
 * config is written only when all are valid. Creates the `default` context on first use.
 */
export async function addMachine(deps: Deps, name: string, flags: AddMachineFlags): Promise<{ context: string; machine: Machine }> {
  assertName(name, 'machine name');
  const problems: Problem[] = [];
  const need = <T>(flag: string, raw: string | undefined, check: (s: string) => v.Check<T>, fallback?: T): T | undefined => {
    if (raw === undefined) {
      if (fallback === undefined) problems.push({ where: flag, message: 'is required' });
      return fallback;
    }
    const result = check(raw);
    if (result.ok) return result.value;
    problems.push({ where: flag, message: result.expected });
    return undefined;
  };
  const host = need('--ip', flags.ip, v.checkHost);
  const user = need('--user', flags.user, v.checkUser);
  const port = need('--port', flags.port, v.checkPort, DEFAULTS.port);
  const datastore = need('--datastore', flags.datastore, v.checkDatastore, DEFAULTS.datastore);
  const rootPrefix = need('--root-prefix', flags.rootPrefix, v.checkAbsolutePath, DEFAULTS.rootPrefix);
  const hostKeys = (flags.hostKey ?? []).map((line) => parseHostKeyFlag(line, problems));
  if (hostKeys.some((k) => k !== undefined)) {
    const { hostKeyParseProblem } = await import('./host-keys.js');
    for (const key of hostKeys) {
      const problem = key === undefined ? undefined : await hostKeyParseProblem(key);
      if (problem) problems.push({ where: '--host-key', message: `${v.show(key)} is not a host key: ${problem}` });
    }
  }
  // The key file is checked with the other flags, so every problem is reported at once.
  const sshKey = flags.sshKey === undefined ? undefined : await resolveKeyPath(deps, flags.sshKey, '--ssh-key').catch((err: unknown) => {
    if (!(err instanceof UserError)) throw err;
    problems.push({ where: '--ssh-key', message: err.message.replace(/^--ssh-key: /, '') });
    return undefined;
  });
  if (problems.length) throw new ValidationError(problems, { title: `Cannot add machine ${v.show(name)}:\n${formatProblems(problems)}` });
  if (flags.scan && hostKeys.length === 0) {
    // Connects once, only as far as the key exchange: the key is pinned, nothing is sent.
    const { scanMachineKey } = await import('./host-keys.js');
    hostKeys.push(await scanMachineKey(deps, { machine: name, host: host as string, port: port as number, user: user as string, keyPath: sshKey, pinnedKeys: [] }));
  }

  const machine: Machine = {
    host: host as string, user: user as string, port: port as number, sshKey,
    hostKeys: hostKeys.filter((k): k is string => k !== undefined),
    datastore: datastore as string, rootPrefix: rootPrefix as string, infra: emptyInfra(), dnsZone: undefined,
  };
  return deps.store.update((config) => {
    const ctxName = contextName(config, deps.flags.context);
    if (!entryOf(config.contexts, ctxName)) {
      if (deps.flags.context !== undefined) selectContext(config, deps.flags.context);
      config.contexts[ctxName] = emptyContext();
      config.currentContext ??= ctxName;
      deps.out.progress(`Created context ${ctxName}.`);
    }
    const ctx = config.contexts[ctxName] as ReturnType<typeof emptyContext>;
    if (entryOf(ctx.machines, name)) throw new UserError(`Machine ${v.show(name)} already exists in context ${v.show(ctxName)}.`, { hint: `Remove it first with: rdc context remove-machine ${name}` });
    ctx.machines[name] = machine;
    return { context: ctxName, machine };
  });
}

/** Accepts `ssh-ed25519 AAAA… [comment]` (a .pub line) or a known_hosts line (`[host]:port ssh-ed25519 AAAA…`). */
function parseHostKeyFlag(line: string, problems: Problem[]): string | undefined {
  const check = checkHostKey(line);
  if (check.ok) return check.value;
  problems.push({ where: '--host-key', message: check.expected });
  return undefined;
}

export async function removeMachine(deps: Deps, name: string, opts: { force?: boolean }): Promise<string> {
  return deps.store.update((config) => {
    const selected = selectContext(config, deps.flags.context);
    selectMachine(selected, name);
    const repos = Object.entries(selected.context.repositories).filter(([, r]) => r.machine === name).map(([n]) => n);
    if (repos.length && !opts.force) {
      throw new UserError(`Machine ${v.show(name)} still holds repositories: ${repos.join(', ')}.`, {
        hint: 'Removing it forgets their credentials (the server is untouched). Delete them first, or add --force.',
      });
    }
    for (const r of repos) delete selected.context.repositories[r];
    delete selected.context.machines[name];
    if (selected.context.defaultMachine === name) selected.context.defaultMachine = undefined;
    return selected.name;
  });
}

export async function listMachines(deps: Deps) {
  const config = await readConfig(deps);
  const selected = selectContext(config, deps.flags.context);
  return {
    context: selected.name,
    machines: Object.entries(selected.context.machines)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, m]) => ({
        name, host: m.host, user: m.user, port: m.port, datastore: m.datastore, rootPrefix: m.rootPrefix,
        hostKeyPinned: m.hostKeys.length > 0, baseDomain: m.infra.baseDomain ?? null,
      })),
  };
}
