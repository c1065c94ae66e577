import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { show } from '../../core/config/validators.js';
import { UserError } from '../../core/errors.js';

/** More than any secret rdc takes; reading stops there, so `@/dev/zero` or a huge pipe cannot fill memory. */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * Resolves a secret flag without putting it in argv: `-` reads standard input, `@PATH` reads a file
 * (one trailing newline dropped). Anything else is the value itself, which other local users can see
 * in `ps` — the caller warns about that. What is read is bounded; the field's validator then checks
 * the value itself.
 */
export async function readSecretFlag(flag: string, value: string, stdin: Readable): Promise<{ value: string; fromArgv: boolean }> {
  if (value === '-') {
    if ((stdin as Readable & { isTTY?: boolean }).isTTY) throw new UserError(`${flag} -: standard input is a terminal; pipe the secret in, e.g. printf %s "$TOKEN" | rdc …`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      const buf = Buffer.from(chunk as Buffer);
      chunks.push(buf);
      size += buf.length;
      if (size > MAX_SECRET_BYTES) throw tooBig(flag, 'standard input');
    }
    return { value: trimNewline(Buffer.concat(chunks)), fromArgv: false };
  }
  if (value.startsWith('@')) return { value: await readSecretFile(flag, value.slice(1)), fromArgv: false };
  return { value, fromArgv: true };
}

/** A regular file of at most MAX_SECRET_BYTES: not a directory, a device (`/dev/zero`) or a FIFO. */
async function readSecretFile(flag: string, path: string): Promise<string> {
  const hint = 'Give @PATH to a readable file holding only the secret.';
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    throw new UserError(`${flag}: cannot read ${show(path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint });
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new UserError(`${flag}: ${show(path)} is not a regular file.`, { hint });
    if (info.size > MAX_SECRET_BYTES) throw tooBig(flag, show(path));
    const buf = Buffer.alloc(MAX_SECRET_BYTES + 1);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_SECRET_BYTES) throw tooBig(flag, show(path));
    return trimNewline(buf.subarray(0, bytesRead));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${flag}: cannot read ${show(path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint });
  } finally {
    await file.close();
  }
}

function tooBig(flag: string, source: string): UserError {
  return new UserError(`${flag}: ${source} holds more than ${MAX_SECRET_BYTES / 1024} KiB, which is no secret rdc takes.`, { hint: 'Pass the secret alone (a Cloudflare API token is 40 characters).' });
}

function trimNewline(buf: Buffer): string {
  return buf.toString('utf8').replace(/\r?\n$/, '');
}
