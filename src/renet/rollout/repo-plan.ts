import type { ServicePlanRow } from '../../core/protocol/repo-reply.js';
import { eachComposeModel } from '../repo/compose-precheck.js';
import { observePlan, readRouterConfig } from './observe.js';
import { upTargets } from './plan.js';

/**
 * What `up` would do to each compose service of the repo (`rdc repo up --dry-run`), from the files
 * on the server and the containers running now: create, unchanged, switch (zero-downtime) or
 * recreate. Changes nothing. A directory whose model does not check is named with its error.
 */
export async function planRepoServices(mount: string, name: string, networkId: number, socket: string, rootPrefix: string): Promise<ServicePlanRow[]> {
  const router = readRouterConfig(rootPrefix);
  const rows: ServicePlanRow[] = [];
  await eachComposeModel(mount, name, networkId, socket, async (dir, job, r) => {
    if (!r.ok) {
      rows.push({ dir, service: '', action: 'refused', reason: r.errors[0] ?? 'the compose model does not check' });
      return;
    }
    if (!router) return;
    const observed = await observePlan({ compose: r.compose, project: job.project, dir: job.dir, file: r.file, globals: [], env: r.env, socket, networkId, slots: r.slots, router },
      upTargets([])).catch((err: Error) => ({ error: err.message }));
    if ('error' in observed) rows.push({ dir, service: '', action: 'unknown', reason: observed.error });
    else rows.push(...observed.plan.map((p) => ({ dir, service: p.service, action: p.action, reason: p.reason })));
  });
  return rows;
}
