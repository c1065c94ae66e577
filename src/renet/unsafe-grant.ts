import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The variable renet lifecycle sets for the Rediaccfiles of a repo brought up with `rdc repo up --unsafe`. */
export const GRANT_VARIABLE = 'RENET_UNSAFE_GRANT';

/**
 * `--unsafe` reaches `renet compose` only from the repo-level request (`rdc repo up --unsafe`),
 * never from a file: renet lifecycle puts a random token in the Rediaccfiles' environment and a
 * file of that name in a root-only directory beside renet itself, removed when the lifecycle ends.
 * Setting the variable alone grants nothing; neither does any word in a Rediaccfile.
 */
export function grantUnsafe(): { env: Record<string, string>; revoke(): void } {
  const token = randomBytes(32).toString('hex');
  const dir = grantsDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, token), '', { mode: 0o600 });
  return { env: { [GRANT_VARIABLE]: token }, revoke: () => rmSync(join(dir, token), { force: true }) };
}

export function hasUnsafeGrant(env: NodeJS.ProcessEnv): boolean {
  const token = env[GRANT_VARIABLE];
  return typeof token === 'string' && /^[0-9a-f]{64}$/.test(token) && existsSync(join(grantsDir(), token));
}

function grantsDir(): string {
  return join(dirname(process.argv[1] as string), 'grants');
}
