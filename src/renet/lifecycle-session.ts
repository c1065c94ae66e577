import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The variable renet lifecycle gives its Rediaccfiles: the name of their session, nothing more. */
export const SESSION_VARIABLE = 'RENET_LIFECYCLE_SESSION';

/** What `renet compose` works with: decided by renet lifecycle, never by the Rediaccfile. */
export interface LifecycleSession {
  /** The repo's mount (REPOSITORY_PATH): every host path the compose model names must be inside it. */
  mount: string;
  name: string;
  networkId: number;
  /** The repo's own daemon: compose never runs against another one. */
  dockerHost: string;
  /** `rdc repo up --unsafe`, from the repo-level request only. */
  unsafe: boolean;
  /**
   * The machine's root prefix (where router.json and the rollout pins live), from `renet repo up`:
   * with it, `renet compose -- up` switches routed services without downtime (issue 12); without
   * it (a bare `renet lifecycle`), compose recreates them as it always did.
   */
  rootPrefix?: string;
}

/**
 * A Rediaccfile is a script: anything in its environment or files it can change itself. So the
 * facts `renet compose` relies on — which mount bounds the model, which daemon runs it, whether
 * `--unsafe` was granted — live in a root-only file beside renet, named by a random token that
 * renet lifecycle puts in the Rediaccfiles' environment and removes when they have run. Setting
 * REPOSITORY_PATH, DOCKER_HOST or a made-up token grants nothing; neither does any word in a file.
 */
export function openSession(session: LifecycleSession): { env: Record<string, string>; close(): void } {
  const token = randomBytes(32).toString('hex');
  const dir = sessionsDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  dropStale(dir);
  writeFileSync(join(dir, token), JSON.stringify(session), { mode: 0o600 });
  return { env: { [SESSION_VARIABLE]: token }, close: () => rmSync(join(dir, token), { force: true }) };
}

export function readSession(env: NodeJS.ProcessEnv): LifecycleSession | undefined {
  const token = env[SESSION_VARIABLE];
  if (typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token)) return undefined;
  try {
    return JSON.parse(readFileSync(join(sessionsDir(), token), 'utf8')) as LifecycleSession;
  } catch {
    return undefined;
  }
}

function sessionsDir(): string {
  return join(dirname(process.argv[1] as string), 'sessions');
}

/** A lifecycle killed before it could close its session leaves the file: gone after a day (no lifecycle runs that long). */
function dropStale(dir: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(dir)) {
    try {
      if (statSync(join(dir, name)).mtimeMs < dayAgo) rmSync(join(dir, name), { force: true });
    } catch {
      // removed meanwhile by its own lifecycle
    }
  }
}
