import { randomBytes, randomUUID } from 'node:crypto';
import type { Context, Machine, Repository } from '../../core/config/model.js';
import { assertName, selectContext, selectMachine, type SelectedContext } from '../../core/config/select.js';
import { checkVolumeKind, show, VOLUME_KINDS, type VolumeKind } from '../../core/config/validators.js';
import { UserError } from '../../core/errors.js';
import { isNetworkId } from '../../core/infra/network.js';
import type { RepoRequest, RepoRequestExtra } from '../../core/protocol/repo-request.js';
import { nextNetworkId } from '../../core/repo/network-alloc.js';
import { checkSize } from '../../core/repo/size.js';
import { Secret } from '../../core/util/secret.js';
import { readConfig, type Deps } from './deps.js';

export interface RepoTarget {
  name: string;
  machineName: string;
  machine: Machine;
  context: Context;
  repo: Repository;
  /** True when this command allocated the repo (it is not in the config yet). */
  isNew: boolean;
}

/** `--volume`: a kind, or `auto` (what the server can do best: LUKS, else a plain image, else a directory). */
export type VolumeChoice = VolumeKind | 'auto';

/**
 * The repo a command works on and its machine: `-m`, else the machine the config records for the
 * repo, else the context's default machine. A repo not in the config yet gets, in memory only, a
 * network ID free on that machine, a GUID and a fresh volume credential (see saveRepo).
 */
export async function repoTarget(deps: Deps, name: string, machineFlag: string | undefined, opts: { mayCreate: boolean; networkId?: string }): Promise<RepoTarget> {
  return targetIn(deps, selectContext(await readConfig(deps), deps.flags.context), name, machineFlag, opts);
}

/** The same, within a context already read (`repo list` reads the config once for every repo). */
export function targetIn(deps: Deps, selected: SelectedContext, name: string, machineFlag: string | undefined, opts: { mayCreate: boolean; networkId?: string }): RepoTarget {
  assertName(name, 'repo name');
  const known = selected.context.repositories[name];
  if (known && machineFlag !== undefined && machineFlag !== known.machine) {
    throw new UserError(`Repo ${show(name)} lives on machine ${show(known.machine)}, not ${show(machineFlag)}.`, { hint: `Drop -m, or use -m ${known.machine}` });
  }
  if (!known && !opts.mayCreate) {
    throw new UserError(`Repo ${show(name)} is not in context ${show(selected.name)}.`, { hint: `Create it with: rdc repo create ${name} -m ${machineFlag ?? selected.context.defaultMachine ?? 'MACHINE'}` });
  }
  const machineName = known?.machine ?? machineFlag ?? selected.context.defaultMachine;
  if (!machineName) throw new UserError('-m, --machine: which machine? No default machine is set in this context.', { hint: `rdc repo up ${name} -m server-1` });
  const machine = selectMachine(selected, machineName);
  if (known) return { name, machineName, machine, context: selected.context, repo: known, isNew: false };
  const used = Object.values(selected.context.repositories).filter((r) => r.machine === machineName).map((r) => r.networkId);
  const repo: Repository = { machine: machineName, guid: randomUUID(), networkId: chosenNetworkId(opts.networkId, used, machineName), path: undefined, credential: new Secret(randomBytes(32).toString('base64url')), volume: undefined };
  deps.out.addSecret(repo.credential.reveal());
  return { name, machineName, machine, context: selected.context, repo, isNew: true };
}

/** `--network-id`, checked (2816 + 64·n, free on the machine), else the lowest free one. */
function chosenNetworkId(flag: string | undefined, used: number[], machineName: string): number {
  if (flag === undefined) return nextNetworkId(used);
  const id = Number(flag);
  if (!isNetworkId(id)) throw new UserError(`--network-id: expected 2816 + 64·n (2816, 2880, 2944, …), got ${show(flag)}`);
  if (used.includes(id)) throw new UserError(`--network-id: ${id} is already used by another repo on ${machineName}`);
  return id;
}

/** Writes the repo into the config under the lock; a new repo whose network ID was taken meanwhile is refused. */
export async function saveRepo(deps: Deps, t: RepoTarget, change: Partial<Pick<Repository, 'path' | 'volume'>>): Promise<void> {
  await deps.store.update((config) => {
    const ctx = selectContext(config, deps.flags.context).context;
    const current = ctx.repositories[t.name];
    if (!current && Object.values(ctx.repositories).some((r) => r.machine === t.machineName && r.networkId === t.repo.networkId)) {
      throw new UserError(`Another command took network ID ${t.repo.networkId} on ${t.machineName} at the same time; run this one again.`);
    }
    ctx.repositories[t.name] = { ...(current ?? t.repo), ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
  });
}

export async function forgetRepo(deps: Deps, name: string): Promise<void> {
  await deps.store.update((config) => {
    delete selectContext(config, deps.flags.context).context.repositories[name];
  });
}

/** What every `renet repo` call carries; the credential leaves only on stdin. */
export function repoRequest(t: RepoTarget, extra: { volume?: VolumeChoice; size?: string } & RepoRequestExtra = {}): RepoRequest {
  const { volume, size, ...rest } = extra;
  if (volume !== undefined && volume !== 'auto' && !checkVolumeKind(volume).ok) throw new UserError(`--volume: expected one of auto, ${VOLUME_KINDS.join(', ')}, got ${show(volume)}`);
  const sizeCheck = checkSize(size ?? '10G');
  if (!sizeCheck.ok) throw new UserError(`--size: expected ${sizeCheck.expected}, got ${show(size)}`);
  return {
    rootPrefix: t.machine.rootPrefix, datastore: t.machine.datastore, routerPort: t.machine.infra.routeServerPort,
    name: t.name, guid: t.repo.guid, networkId: t.repo.networkId, volume: volume ?? 'auto', sizeBytes: sizeCheck.value,
    credential: t.repo.credential.reveal(), ...rest,
  };
}
