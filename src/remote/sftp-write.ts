import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { mapLimit } from '../util/map-limit.js';
import type { UploadFile } from './runner.js';

/** Files in flight at once on the one SFTP session: requests pipeline instead of waiting a round trip each. */
const FILES_AT_ONCE = 16;
/** Per file, reads/writes in flight (32 KiB each): constant memory, about 16 MiB at most in all. */
const CHUNKS_AT_ONCE = 32;

type Callback<T> = (fn: (cb: (e: Error | null | undefined, v?: T) => void) => void) => Promise<T | undefined>;
const call: Callback<unknown> = (fn) => new Promise((res, rej) => fn((e, v) => (e ? rej(e) : res(v))));

/**
 * Writes every file over one SFTP session: directories first (mkdir -p), then the files, several
 * at once. A local file is streamed in chunks (ssh2's fastPut), so its size never matters; given
 * bytes are written as they are. The mode is set on the open handle, also for a file that existed.
 */
export async function writeAll(sftp: SFTPWrapper, files: UploadFile[]): Promise<void> {
  for (const dir of [...new Set(files.map((f) => posix.dirname(f.path)))]) await mkdirP(sftp, dir);
  await mapLimit(files, FILES_AT_ONCE, async (file) => {
    // fastPut leaves an empty file's mode as the server's default: those go the other way.
    if ('localPath' in file && (await stat(file.localPath)).size > 0) {
      await call((cb) => sftp.fastPut(file.localPath, file.path, { mode: file.mode, concurrency: CHUNKS_AT_ONCE }, (e) => cb(e)));
    } else {
      const content = 'content' in file ? file.content : Buffer.alloc(0);
      await call((cb) => sftp.writeFile(file.path, content, { mode: file.mode }, (e) => cb(e)));
      await call((cb) => sftp.chmod(file.path, file.mode, (e) => cb(e)));
    }
  });
}

/** One level at a time; "already exists" (or a failure the file write will report better) is fine. */
async function mkdirP(sftp: SFTPWrapper, dir: string): Promise<void> {
  let partial = '';
  for (const part of dir.split('/').filter(Boolean)) {
    partial += `/${part}`;
    await call((cb) => sftp.mkdir(partial, (e) => cb(e))).catch(() => undefined);
  }
}
