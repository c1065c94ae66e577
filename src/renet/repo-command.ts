import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { withLock } from './infra/lock.js';
import type { RepoReply } from '../core/protocol/repo-reply.js';
import { syncCounts } from '../core/repo/sync-plan.js';
import { daemonRunning, removeDaemonFiles, stopDaemon } from './repo/daemon.js';
import { runLifecycle } from './repo/lifecycle.js';
import { repoEnv } from './repo/repo-env.js';
import { repoUp } from './repo/repo-up.js';
import { parseRepoRequest, type RepoRequest } from '../core/protocol/repo-request.js';
import { daemonTarget, repoPaths, type RepoPaths } from './repo/request.js';
import { repoContainers, repoOwners, waitForRoutes } from './repo/routes-wait.js';
import { observeAndPlan } from './repo/sync.js';
import { planRepoServices } from './rollout/repo-plan.js';
import { availableKinds, checkCredential, chooseKind, chooseVolume, createVolume, destroyVolume, isMounted, readMeta, unmountVolume, type VolumeMeta } from './repo/volume.js';

/**
 * `renet repo create|up|plan|down|status|delete|check-key` with a RepoRequest on stdin; one JSON
 * reply. `plan` is what `--dry-run` and `status` read: it never changes anything.
 */
export async function repoCommand(args: string[], stdin: string): Promise<RepoReply> {
  const req = parseRepoRequest(args[0] ?? '', stdin);
  const p = repoPaths(req);
  if (['create', 'up', 'down', 'delete'].includes(args[0] ?? '')) {
    // One change at a time per repo: two `rdc repo up` at once must not interleave their syncs.
    mkdirSync(dirname(p.lock), { recursive: true, mode: 0o700 });
    return withLock(p.lock, 600_000, () => dispatch(args[0] as string, req, p), `rdc repo operation on ${req.name}`);
  }
  return dispatch(args[0] ?? '', req, p);
}

async function dispatch(verb: string, req: RepoRequest, p: RepoPaths): Promise<RepoReply> {
  const meta = readMeta(p);
  switch (verb) {
    case 'create': {
      const { meta: made, created } = await createVolume(req, p);
      return { ok: true, exists: true, created, volume: made.kind, ...(made.fallback ? { volumeFallback: made.fallback } : {}), mounted: isMounted(p, made) };
    }
    case 'up':
      return repoUp(req, p);
    case 'plan':
      return plan(req, p, meta);
    case 'status':
      return status(req, p, meta);
    case 'down':
      return meta ? down(req, p, meta, Boolean(req.unmount)) : { ok: true, exists: false };
    case 'delete': {
      if (!meta) return { ok: true, exists: false };
      const reply = await down(req, p, meta, true, true);
      removeDaemonFiles(daemonTarget(req, p));
      await destroyVolume(p);
      return { ...reply, exists: false };
    }
    case 'check-key':
      return { ok: meta?.kind === 'luks' && (await checkCredential(req, p)), exists: Boolean(meta), volume: meta?.kind };
    default:
      throw new Error('usage: renet repo create|up|plan|down|status|delete|check-key < request.json');
  }
}

async function plan(req: RepoRequest, p: RepoPaths, meta: VolumeMeta | undefined): Promise<RepoReply> {
  const available = availableKinds();
  const fallback = meta ? meta.fallback : chooseVolume(req.volume).fallback;
  const mounted = meta ? isMounted(p, meta) : false;
  const sync = mounted && req.manifest ? observeAndPlan(p, req.manifest) : undefined;
  const running = await daemonRunning(daemonTarget(req, p));
  const services = req.planServices && mounted && running && existsSync(p.mount) ? await planRepoServices(p.mount, req.name, req.networkId, p.socket, req.rootPrefix) : undefined;
  return {
    ok: true, exists: Boolean(meta), volume: meta?.kind ?? chooseKind(req.volume), ...(fallback ? { volumeFallback: fallback } : {}), available, mounted,
    daemon: running ? 'running' : 'not running',
    sync: sync && syncCounts(sync),
    ...(services ? { services } : {}),
  };
}

async function status(req: RepoRequest, p: RepoPaths, meta: VolumeMeta | undefined): Promise<RepoReply> {
  const running = await daemonRunning(daemonTarget(req, p));
  return {
    ok: true, exists: Boolean(meta), volume: meta?.kind, ...(meta?.fallback ? { volumeFallback: meta.fallback } : {}), mounted: meta ? isMounted(p, meta) : false, daemon: running ? 'running' : 'not running',
    containers: running ? ((await repoContainers(p.socket)) ?? []) : [], routes: await repoOwners(req.routerPort, req.networkId),
  };
}

/** down() of every Rediaccfile (best effort, subdirs Z→A then the root), then the daemon stops. */
async function down(req: RepoRequest, p: RepoPaths, meta: VolumeMeta, unmount: boolean, removeUnit = false): Promise<RepoReply> {
  const mounted = isMounted(p, meta);
  const t = daemonTarget(req, p);
  let steps: RepoReply['steps'] = [];
  if (mounted && existsSync(p.mount) && (await daemonRunning(t)) && readdirSync(p.mount).length) {
    steps = (await runLifecycle(p.mount, 'down', repoEnv(p.mount, req.name, req.networkId, p.socket))).steps;
    // Let the route server drop the routes before the daemon goes (a vanished daemon's routes linger for a grace period).
    await waitForRoutes(req.routerPort, req.networkId, p.socket, 5000);
  }
  const daemon = await stopDaemon(t, removeUnit);
  const mountAction = unmount ? await unmountVolume(p, meta) : undefined;
  return { ok: true, exists: true, volume: meta.kind, mounted: unmount ? meta.kind === 'directory' : mounted, mountAction, daemon, steps };
}

