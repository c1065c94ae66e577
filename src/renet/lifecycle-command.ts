import { parseLifecycleRequest, type LifecycleReply } from '../core/protocol/lifecycle.js';
import { runLifecycle } from './repo/lifecycle.js';

/** `renet lifecycle` with {repoPath, phase, env} on stdin: the Rediaccfiles alone, without volume or sync. */
export async function lifecycleCommand(stdin: string): Promise<LifecycleReply> {
  const req = parseLifecycleRequest(stdin);
  return runLifecycle(req.repoPath, req.phase, req.env);
}
