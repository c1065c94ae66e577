import type { Phase } from '../repo/lifecycle-plan.js';
import { runLifecycle, type StepResult } from './repo/lifecycle.js';

interface LifecycleRequest {
  repoPath: string;
  phase: Phase;
  /** REPOSITORY_*, DOCKER_HOST and every {SERVICE}_IP. */
  env: Record<string, string>;
}

/** `renet lifecycle` with {repoPath, phase, env} on stdin: the Rediaccfiles alone, without volume or sync. */
export async function lifecycleCommand(stdin: string): Promise<{ ok: boolean; steps: StepResult[] }> {
  const req = JSON.parse(stdin) as LifecycleRequest;
  return runLifecycle(req.repoPath, req.phase, req.env);
}
