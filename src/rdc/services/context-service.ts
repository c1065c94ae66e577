import { emptyContext, entryOf, type Context } from '../../core/config/model.js';
import { assertName, contextName, selectContext } from '../../core/config/select.js';
import { show } from '../../core/config/validators.js';
import { UserError } from '../../core/errors.js';
import { readConfig, type Deps } from './deps.js';
import { resolveKeyPath } from './ssh-key-path.js';

export interface ContextSummary {
  name: string;
  current: boolean;
  machines: number;
  repositories: number;
  sshKey: string | null;
}

export async function createContext(deps: Deps, name: string, opts: { sshKey?: string }): Promise<ContextSummary> {
  assertName(name, 'context name');
  const sshKey = opts.sshKey === undefined ? undefined : await resolveKeyPath(deps, opts.sshKey, '--ssh-key');
  return deps.store.update((config) => {
    if (entryOf(config.contexts, name)) throw new UserError(`Context ${show(name)} already exists.`, { hint: `Use it with: rdc context use ${name}` });
    config.contexts[name] = { ...emptyContext(), sshKey };
    // The first context becomes the current one, so a new user never has to run `use`.
    if (!config.currentContext) config.currentContext = name;
    return summary(name, config.currentContext === name, config.contexts[name] as Context);
  });
}

export async function useContext(deps: Deps, name: string): Promise<void> {
  assertName(name, 'context name');
  await deps.store.update((config) => {
    selectContext(config, name);
    config.currentContext = name;
  });
}

export async function listContexts(deps: Deps): Promise<ContextSummary[]> {
  const config = await readConfig(deps);
  const current = contextName(config, undefined);
  return Object.entries(config.contexts)
    .map(([name, ctx]) => summary(name, name === current, ctx))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function showContext(deps: Deps, name: string | undefined) {
  const config = await readConfig(deps);
  const selected = selectContext(config, name ?? deps.flags.context);
  const ctx = selected.context;
  return {
    ...summary(selected.name, selected.name === contextName(config, undefined), ctx),
    defaultMachine: ctx.defaultMachine ?? null,
    machineNames: Object.keys(ctx.machines).sort(),
    repositoryNames: Object.keys(ctx.repositories).sort(),
  };
}

export async function deleteContext(deps: Deps, name: string, opts: { force?: boolean }): Promise<void> {
  assertName(name, 'context name');
  await deps.store.update((config) => {
    const { context } = selectContext(config, name);
    const repos = Object.keys(context.repositories).length;
    const machines = Object.keys(context.machines).length;
    if ((repos || machines) && !opts.force) {
      throw new UserError(`Context ${show(name)} still has ${machines} machine(s) and ${repos} repositor${repos === 1 ? 'y' : 'ies'}.`, {
        hint: `Deleting it forgets their settings and repository credentials (the servers are untouched). Add --force to delete anyway.`,
      });
    }
    delete config.contexts[name];
    if (config.currentContext === name) config.currentContext = undefined;
  });
}

function summary(name: string, current: boolean, ctx: ReturnType<typeof emptyContext>): ContextSummary {
  return {
    name,
    current,
    machines: Object.keys(ctx.machines).length,
    repositories: Object.keys(ctx.repositories).length,
    sshKey: ctx.sshKey ?? null,
  };
}
