import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UserError } from '../errors.js';

/**
 * Resolves a secret flag without putting it in argv: `-` reads standard input, `@PATH` reads a file
 * (one trailing newline dropped). Anything else is the value itself, which other local users can see
 * in `ps` — the caller warns about that.
 */
export async function readSecretFlag(flag: string, value: string, stdin: Readable): Promise<{ value: string; fromArgv: boolean }> {
  if (value === '-') {
    if ((stdin as Readable & { isTTY?: boolean }).isTTY) throw new UserError(`${flag} -: standard input is a terminal; pipe the secret in, e.g. printf %s "$TOKEN" | rdc …`);
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    return { value: Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, ''), fromArgv: false };
  }
  if (value.startsWith('@')) {
    try {
      return { value: (await readFile(value.slice(1), 'utf8')).replace(/\r?\n$/, ''), fromArgv: false };
    } catch (err) {
      throw new UserError(`${flag}: cannot read ${value.slice(1)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'Give @PATH to a readable file holding only the secret.' });
    }
  }
  return { value, fromArgv: true };
}
