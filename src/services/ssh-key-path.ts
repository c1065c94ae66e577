import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Deps } from './deps.js';

/** An SSH private key path from a flag: `~` expanded, made absolute, and checked to be readable. */
export async function resolveKeyPath(deps: Deps, value: string, flag: string): Promise<string> {
  if (value.trim() === '') throw new UserError(`${flag}: the path is empty; give the path of an SSH private key, e.g. ~/.ssh/id_ed25519`);
  const home = deps.io.env.HOME || homedir();
  const expanded = value === '~' ? home : value.startsWith('~/') ? join(home, value.slice(2)) : value;
  const path = isAbsolute(expanded) ? expanded : resolve(deps.io.cwd, expanded);
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new UserError(`${flag}: cannot read the SSH key ${JSON.stringify(path)}.`, { hint: 'Give the path of an existing private key file (e.g. ~/.ssh/id_ed25519), or create one with ssh-keygen -t ed25519.' });
  }
  return path;
}
