import type { Phase } from '../repo/lifecycle-plan.js';
import { bool, list, object, type Out } from './check.js';
import { lifecycleStep } from './repo-reply.js';

/** What `renet lifecycle` reads on stdin: the Rediaccfiles of one directory, without volume or sync (tests, tools). */
export interface LifecycleRequest {
  repoPath: string;
  phase: Phase;
  /** REPOSITORY_*, DOCKER_HOST and every {SERVICE}_IP. */
  env: Record<string, string>;
}

/** renet's side. */
export function parseLifecycleRequest(text: string): LifecycleRequest {
  const req = JSON.parse(text) as LifecycleRequest;
  if (typeof req.repoPath !== 'string' || typeof req.phase !== 'string' || typeof req.env !== 'object' || req.env === null) {
    throw new Error('lifecycle request: repoPath, phase and env are required');
  }
  return req;
}

/** `renet lifecycle`: every step with its output; ok unless one failed. */
export const lifecycleReply = object({ ok: bool, steps: list(lifecycleStep) });
export type LifecycleReply = Out<typeof lifecycleReply>;
