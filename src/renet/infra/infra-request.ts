import type { DesiredFile } from '../../plan/file-plan.js';

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
