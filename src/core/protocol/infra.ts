import { bool, int, list, nullable, object, oneOf, optional, parseRequest, str, where, type Out } from './check.js';
import { absolutePath, filesByHash, port } from './request-fields.js';

/** `renet infra status` only looks; `apply` changes, under the server-side lock. */
export type InfraVerb = 'status' | 'apply';

/** What rdc sends `renet infra status|apply` on stdin (JSON). */
const infraRequest = object({
  rootPrefix: absolutePath,
  /** Every file of the rendered tree, by hash; content travels separately (stdin of `renet stage`). */
  files: filesByHash,
  routerPort: port,
  /** True when rdc just installed a different renet: the route server must restart on it. */
  renetChanged: optional(bool),
  lockTimeoutMs: optional(where(int, 'a timeout in ms', (v) => v >= 0)),
  /** This push's own staging dir (renet stage wrote the contents there); see infraBatchDir. */
  batch: optional(where(str, '8 to 64 hex digits', (v) => /^[0-9a-f]{8,64}$/.test(v))),
});
export type InfraRequest = Out<typeof infraRequest>;

/** renet's side: the request checked field by field before any path is built from it. */
export function parseInfraRequest(verb: string, text: string): InfraRequest {
  return parseRequest(`infra ${verb}`, infraRequest, text);
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
