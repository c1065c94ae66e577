import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { MAX_LENGTH, show } from '../../core/config/validators.js';
import { UserError } from '../../core/errors.js';
import type { Deps } from './deps.js';

/** Larger than any private key (a 16384-bit RSA key is about 13 KB). */
const MAX_KEY_BYTES = 64 * 1024;
const HINT = 'Give the path of a private key file (e.g. ~/.ssh/id_ed25519), or create one with ssh-keygen -t ed25519.';

/**
 * An SSH private key path from a flag: `~` expanded, made absolute, and checked to be a regular,
 * readable, small file that parses as a private key (ssh2's parser, the one that will use it). A key
 * protected by a passphrase is taken: ssh-agent supplies it at connection time.
 */
export async function resolveKeyPath(deps: Deps, value: string, flag: string): Promise<string> {
  if (value.trim() === '') throw new UserError(`${flag}: the path is empty; give the path of an SSH private key, e.g. ~/.ssh/id_ed25519`);
  if (value.length > MAX_LENGTH.path) throw new UserError(`${flag}: the path is ${value.length} characters long; a path has at most ${MAX_LENGTH.path}.`, { hint: HINT });
  const home = deps.io.env.HOME || homedir();
  const expanded = value === '~' ? home : value.startsWith('~/') ? join(home, value.slice(2)) : value;
  const path = isAbsolute(expanded) ? expanded : resolve(deps.io.cwd, expanded);
  const problem = await keyFileProblem(path);
  if (problem) throw new UserError(`${flag}: ${show(path)} ${problem}.`, { hint: HINT });
  return path;
}

/** Why `path` is no usable private key file, or undefined when it is one. */
async function keyFileProblem(path: string): Promise<string | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    return `cannot be read as the SSH key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  let bytes: Buffer;
  try {
    // Checked on the open file, not the path: a device such as /dev/zero is never read.
    const info = await file.stat();
    if (info.isDirectory()) return 'is a directory, not an SSH private key file';
    if (!info.isFile()) return 'is not a regular file (a device or a pipe), so not an SSH private key';
    if (info.size > MAX_KEY_BYTES) return `is ${info.size} bytes, too large for an SSH private key`;
    bytes = (await file.readFile()).subarray(0, MAX_KEY_BYTES);
  } catch (err) {
    return `cannot be read as the SSH key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  } finally {
    await file.close();
  }
  const ssh2 = await import('ssh2');
  const parsed = (ssh2.default ?? ssh2).utils.parseKey(bytes);
  if (parsed instanceof Error) return /passphrase|encrypted/i.test(parsed.message) ? undefined : `is not an SSH private key (${parsed.message})`;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key && !key.isPrivateKey()) return 'is a public key; give the private key (the same path without .pub)';
  return undefined;
}
