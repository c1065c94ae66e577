import { existsSync } from 'node:fs';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import { syncCounts } from '../../core/repo/sync-plan.js';
import type { RepoReply } from '../../core/protocol/repo-reply.js';
import { startDaemon } from './daemon.js';
import { runLifecycle } from './lifecycle.js';
import { repoEnv } from './repo-env.js';
import type { RepoRequest } from '../../core/protocol/repo-request.js';
import { daemonTarget, type RepoPaths } from './request.js';
import { waitForRoutes } from './routes-wait.js';
import { applySync, incomingDir, observeAndPlan } from './sync.js';
import { precheckCompose } from './compose-precheck.js';
import { precheckKey, precheckPassed, recordPrecheck } from './precheck-cache.js';
import { createVolume, destroyVolume, isMounted, mountVolume, readMeta, unmountVolume } from './volume.js';
import { phaseTimer } from '../../core/util/phase-timer.js';

/**
 * `renet repo up`: create the volume if needed, mount it (with `mount`), sync the manifest, start
 * the repo's daemon, run every prep() then every up(), and wait until the route server shows the
 * repo's containers. When the server lacks some file contents it changes nothing and asks for them.
 * A failing prep() puts the synced files back as they were.
 */
export async function repoUp(req: RepoRequest, p: RepoPaths): Promise<RepoReply> {
  const { timings, time } = phaseTimer();
  if (!existsSync(onServer(req.rootPrefix, SERVER_PATHS.routerConfig))) {
    return { ok: false, exists: false, refused: 'no-infra', message: 'this machine has no infra yet (no route server config)' };
  }
  // Exit 2 means nothing changed: a repo that would be created but not mounted is refused first.
  if (!req.mount && !readMeta(p)) return { ok: false, exists: false, refused: 'not-created', message: 'the repo does not exist on this machine yet; creating it mounts it (--mount)' };
  const { meta, created } = await time('create', () => createVolume(req, p));
  let mountAction: RepoReply['mountAction'] = 'already';
  if (!isMounted(p, meta)) {
    if (!req.mount) return { ok: false, exists: true, volume: meta.kind, created, mounted: false, refused: 'not-mounted', message: 'the repo\'s volume is not mounted' };
    try {
      mountAction = await time('mount', () => mountVolume(req, p, meta));
    } catch (err) {
      return { ok: false, exists: true, volume: meta.kind, created, mounted: false, refused: 'volume', message: (err as Error).message };
    }
  }
  const plan = await time('sync', () => observeAndPlan(p, req.manifest ?? []));
  if (plan.upload.length) return { ok: true, exists: true, volume: meta.kind, created, mounted: true, mountAction, needUpload: plan.upload, incoming: incomingDir(p), timings };
  const tx = await time('sync', () => applySync(p, req.manifest ?? [], plan));
  const sync = syncCounts(plan);
  const base = { exists: true, volume: meta.kind, ...(meta.fallback ? { volumeFallback: meta.fallback } : {}), created, mounted: true, mountAction, sync, timings };
  const checkKey = precheckKey(req.manifest ?? [], req.networkId);
  if (!req.unsafe && !precheckPassed(p.mount, checkKey)) {
    const refusals = await time('check', () => precheckCompose(p.mount, req.name, req.networkId, p.socket));
    recordPrecheck(p.mount, refusals.length ? undefined : checkKey);
    if (refusals.length) {
      tx.rollback();
      // A repo this call created goes again: a refusal changes nothing.
      if (created) {
        await unmountVolume(p, meta);
        await destroyVolume(p);
      }
      return { ok: false, ...base, exists: !created, refused: 'compose', message: refusals.join('\n') };
    }
  }
  let daemon: RepoReply['daemon'];
  try {
    daemon = await time('daemon', () => startDaemon({ ...daemonTarget(req, p), volume: { kind: meta.kind, mount: p.mount, image: p.image } }));
  } catch (err) {
    tx.rollback();
    throw err;
  }
  const env = repoEnv(p.mount, req.name, req.networkId, p.socket);
  const prep = await time('prep', () => runLifecycle(p.mount, 'up', env, 'prep', req.unsafe));
  if (!prep.ok) {
    tx.rollback();
    return { ok: false, ...base, daemon, steps: prep.steps };
  }
  tx.commit();
  if (req.prepOnly) return { ok: true, ...base, daemon, steps: prep.steps };
  const up = await time('up', () => runLifecycle(p.mount, 'up', env, 'up', req.unsafe, req.rootPrefix));
  const routes = await time('routes', () => waitForRoutes(req.routerPort, req.networkId, p.socket, req.routesTimeoutMs ?? 20_000));
  return { ok: up.ok, ...base, daemon, steps: [...prep.steps, ...up.steps], routes: routes.owners, routesSettled: routes.settled, ...(routes.claims ? { claims: routes.claims } : {}) };
}
