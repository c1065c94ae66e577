import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../../core/util/wait-until.js';
import { localGet, localRequest } from '../local.js';

/**
 * Containers come back with their daemon. A dockerd that crashed never wrote that its containers
 * stopped: its own state on disk (`containers/{id}/config.v2.json`) still says `Running` for
 * exactly the containers that ran at the crash. When the daemon returns it stops them (no
 * live-restore) and restarts only those whose restart policy says so; renet starts the others.
 * Policies stay as the user wrote them: a container that stopped by itself, or that the user
 * stopped (`HasBeenManuallyStopped`), is not in the list and stays stopped.
 */
export function runningAtCrash(dataRoot: string): string[] {
  const dir = join(dataRoot, 'containers');
  if (!existsSync(dir)) return [];
  const ids: string[] = [];
  for (const id of readdirSync(dir)) {
    try {
      const c = JSON.parse(readFileSync(join(dir, id, 'config.v2.json'), 'utf8')) as { State?: { Running?: boolean }; HasBeenManuallyStopped?: boolean };
      if (c.State?.Running && !c.HasBeenManuallyStopped) ids.push(id);
    } catch {
      // a container being created or removed at the crash: nothing to restore
    }
  }
  return ids.sort();
}

export interface RestoreReport {
  started: string[];
  /** Already running again (their restart policy did it). */
  running: string[];
  failed: { id: string; error: string }[];
}

/** Once the restarted daemon answers, starts each listed container that is not running (the API is served only after the daemon's own restore). */
export async function restartContainers(socket: string, ids: string[], waitMs = 60_000): Promise<RestoreReport> {
  const report: RestoreReport = { started: [], running: [], failed: [] };
  if (!ids.length) return report;
  const back = await waitUntil(async () => ((await localGet({ socketPath: socket }, '/_ping', 1000)).status === 200 ? true : undefined), { timeoutMs: waitMs, everyMs: 200 });
  if (!back) {
    report.failed = ids.map((id) => ({ id, error: 'the daemon did not come back' }));
    return report;
  }
  for (const id of ids) {
    const inspect = await localGet({ socketPath: socket }, `/containers/${id}/json`, 5000);
    if (inspect.status === 404) continue; // removed meanwhile
    if (inspect.status === 200 && (JSON.parse(inspect.body) as { State?: { Running?: boolean } }).State?.Running) {
      report.running.push(id);
      continue;
    }
    const r = await localRequest({ socketPath: socket }, 'POST', `/containers/${id}/start`, 60_000);
    if (r.status === 204 || r.status === 304) report.started.push(id);
    else report.failed.push({ id, error: `${r.status} ${r.body.trim()}` });
  }
  return report;
}
