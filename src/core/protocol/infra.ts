import type { DesiredFile } from '../plan/file-plan.js';
import { bool, int, list, nullable, object, oneOf, str, type Out } from './check.js';

/** `renet infra status` only looks; `apply` changes, under the server-side lock. */
export type InfraVerb = 'status' | 'apply';

/** What rdc sends `renet infra status|apply` on stdin (JSON). */
export interface InfraRequest {
  rootPrefix: string;
  /** Every file of the rendered tree, by hash; content travels separately (stdin of `renet stage`). */
  files: DesiredFile[];
  routerPort: number;
  /** True when rdc just installed a different renet: the route server must restart on it. */
  renetChanged?: boolean;
  lockTimeoutMs?: number;
  /** This push's own staging dir (renet stage wrote the contents there); see infraBatchDir. */
  batch?: string;
}

/** renet's side: the request checked field by field before any path is built from it. */
export function parseInfraRequest(text: string): InfraRequest {
  const req = JSON.parse(text) as InfraRequest;
  if (typeof req.rootPrefix !== 'string' || !req.rootPrefix.startsWith('/')) throw new Error('infra request: rootPrefix must be an absolute path');
  if (!Array.isArray(req.files)) throw new Error('infra request: files must be a list');
  for (const f of req.files) {
    if (typeof f.path !== 'string' || f.path.startsWith('/') || f.path.split('/').includes('..')) throw new Error(`infra request: bad path ${JSON.stringify(f.path)}`);
    if (!/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isInteger(f.mode)) throw new Error(`infra request: bad hash or mode for ${f.path}`);
  }
  if (req.batch !== undefined && !/^[0-9a-f]{8,64}$/.test(req.batch)) throw new Error('infra request: batch must be 8 to 64 hex digits');
  if (!Number.isInteger(req.routerPort)) throw new Error('infra request: routerPort must be a port');
  return req;
}

/** One file of the plan, as reports show it. */
const fileSummary = object({ op: oneOf('create', 'update', 'chmod', 'keep'), path: str, cause: str });
export type FileSummary = Out<typeof fileSummary>;

/** The Traefik container of the proxy project, when one runs. */
const proxyState = object({ running: bool, container: nullable(str), image: nullable(str) });
export type ProxyState = Out<typeof proxyState>;

/** `renet infra status`: the plan against the live tree, and whether Traefik and the route server run. */
export const infraStatusReply = object({
  plan: list(fileSummary),
  /** A swap cut short (power loss) that the next apply finishes first. */
  pendingSwap: bool,
  proxy: proxyState,
  /** health: the HTTP status of the route server's /health (0: no answer). */
  router: object({ running: bool, health: int }),
});
export type InfraStatusReply = Out<typeof infraStatusReply>;

/** `renet infra apply`: what changed, what was (re)started, and the check that both services answer. */
export const infraApplyReply = object({
  /** True when a swap an earlier apply left cut short was finished first. */
  recovered: bool,
  changed: list(fileSummary),
  chmod: list(fileSummary),
  proxy: oneOf('unchanged', 'updated', 'started'),
  router: oneOf('started', 'restarted', 'running'),
  verify: object({ ok: bool, proxyRunning: bool, proxyContainer: nullable(str), routerHealth: int }),
});
export type InfraApplyReply = Out<typeof infraApplyReply>;
