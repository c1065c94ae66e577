import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { onServer, SERVER_PATHS } from '../core/infra/server-layout.js';
import { planFiles, type FileOperation } from '../core/plan/file-plan.js';
import { parseInfraRequest, type FileSummary, type InfraApplyReply, type InfraRequest, type InfraStatusReply } from '../core/protocol/infra.js';
import { waitUntil } from '../core/util/wait-until.js';
import { dropBatches, finishSwap, infraDirs, observeFiles, readStaged, swapIn } from './infra/live-files.js';
import { withLock } from './infra/lock.js';
import { proxyStatus, proxyUp } from './infra/proxy.js';
import { usesSystemd } from './host/supervisor.js';
import { ensureRouter, routerHealth, routerSupervisorPid } from './infra/router-service.js';

/**
 * `renet infra status|apply`, the server half of push-infra; the request comes as JSON on stdin
 * and the report goes to stdout as JSON. `status` only looks; `apply` changes, under the lock.
 */
export async function infraCommand(args: string[], stdin: string): Promise<InfraStatusReply | InfraApplyReply> {
  const req = parseInfraRequest(args[0] ?? '', stdin);
  if (args[0] === 'status') return status(req);
  if (args[0] === 'apply') {
    // The swap must finish even if the SSH session that started it is cut (SIGHUP) or someone asks
    // it to stop: with handlers installed, signals wait for the synchronous swap to complete. Only
    // SIGKILL can interrupt it, and then the journal lets the next run finish it.
    for (const sig of ['SIGHUP', 'SIGTERM', 'SIGINT'] as const) process.on(sig, () => undefined);
    return withLock(infraDirs(req.rootPrefix).lock, req.lockTimeoutMs ?? 60_000, async () => {
      try {
        return await apply(req);
      } finally {
        dropBatches(req.rootPrefix, req.batch);
      }
    });
  }
  throw new Error('usage: renet infra status|apply < request.json');
}

async function status(req: InfraRequest): Promise<InfraStatusReply> {
  const [proxy, health] = await Promise.all([proxyStatus(req.rootPrefix), routerHealth(req.routerPort)]);
  const plan = planFiles(req.files, observeFiles(req.rootPrefix, req.files.map((f) => f.path)));
  return {
    plan: plan.map(summary),
    pendingSwap: existsSync(infraDirs(req.rootPrefix).journal),
    proxy,
    router: { running: usesSystemd(req.rootPrefix) ? health.status > 0 : routerSupervisorPid(req.rootPrefix) !== undefined, health: health.status },
  };
}

async function apply(req: InfraRequest): Promise<InfraApplyReply> {
  const recovered = finishSwap(req.rootPrefix);
  const plan = planFiles(req.files, observeFiles(req.rootPrefix, req.files.map((f) => f.path)));
  const changed = plan.filter((o) => o.op === 'create' || o.op === 'update');
  const staged = readStaged(req.rootPrefix, req.batch, changed.map((o) => o.file));
  if (staged.length) swapIn(req.rootPrefix, staged);
  for (const { file } of plan.filter((o) => o.op === 'chmod')) chmodSync(onServer(req.rootPrefix, file.path), file.mode);
  for (const dir of [SERVER_PATHS.acmeDir, SERVER_PATHS.routerState, SERVER_PATHS.routerPins]) mkdirSync(onServer(req.rootPrefix, dir), { recursive: true, mode: 0o700 });
  mkdirSync(onServer(req.rootPrefix, SERVER_PATHS.socketDir), { recursive: true, mode: 0o755 });

  const touched = (prefix: string) => changed.some((o) => o.file.path.startsWith(prefix) && !o.file.path.includes('/dynamic/'));
  const proxyBefore = await proxyStatus(req.rootPrefix);
  let proxy: InfraApplyReply['proxy'] = 'unchanged';
  if (touched(SERVER_PATHS.proxyDir) || !proxyBefore.running) {
    await proxyUp(req.rootPrefix);
    proxy = proxyBefore.running ? 'updated' : 'started';
  }
  const router = await ensureRouter(req.rootPrefix, touched(SERVER_PATHS.routerConfig) || touched(SERVER_PATHS.routerUnit) || Boolean(req.renetChanged));
  const verify = await verifyServices(req);
  if (!req.batch) for (const { source } of staged) rmSync(source, { force: true });
  return { recovered, changed: changed.map(summary), chmod: plan.filter((o) => o.op === 'chmod').map(summary), proxy, router, verify };
}

/** Traefik's container runs and the route server answers /health (waits up to 15 s for both). */
async function verifyServices(req: InfraRequest): Promise<InfraApplyReply['verify']> {
  let last: InfraApplyReply['verify'] | undefined;
  const ok = await waitUntil(async () => {
    const [proxy, health] = await Promise.all([proxyStatus(req.rootPrefix), routerHealth(req.routerPort)]);
    last = { ok: proxy.running && health.status === 200, proxyRunning: proxy.running, proxyContainer: proxy.container, routerHealth: health.status };
    return last.ok ? last : undefined;
  }, { timeoutMs: 15_000, everyMs: 200 });
  // The probe runs at least once: `last` is the state when the time ran out.
  return ok ?? (last as NonNullable<typeof last>);
}

function summary(o: FileOperation): FileSummary {
  return { op: o.op, path: o.file.path, cause: o.cause };
}
