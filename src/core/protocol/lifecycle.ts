import type { Phase } from '../repo/lifecycle-plan.js';
import { bool, list, object, oneOf, parseRequest, record, str, where, type Out } from './check.js';
import { lifecycleStep } from './repo-reply.js';

/** What `renet lifecycle` reads on stdin: the Rediaccfiles of one directory, without volume or sync (tests, tools). */
const lifecycleRequest = object({
  /** Any directory (a path with spaces or quotes included): renet only runs the Rediaccfiles in it. */
  repoPath: where(str, 'an absolute path', (v) => v.startsWith('/')),
  phase: oneOf<Phase>('up', 'down', 'prep-only'),
  /** REPOSITORY_*, DOCKER_HOST and every {SERVICE}_IP. */
  env: record(str),
});
export type LifecycleRequest = Out<typeof lifecycleRequest>;

/** renet's side. */
export function parseLifecycleRequest(text: string): LifecycleRequest {
  return parseRequest('lifecycle', lifecycleRequest, text);
}

/** `renet lifecycle`: every step with its output; ok unless one failed. */
export const lifecycleReply = object({ ok: bool, steps: list(lifecycleStep) });
export type LifecycleReply = Out<typeof lifecycleReply>;
