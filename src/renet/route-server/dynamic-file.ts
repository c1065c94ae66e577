import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Traefik's file provider runs every file through Go's text/template before decoding it, so a `{{`
 * in a label value (a regex, a header) would be read as a template action, and one bad action
 * fails the whole directory. `{{"{{"}}` is the template that prints `{{`. JSON never has `{{`
 * outside a string, so this is exact. Pure.
 */
export function traefikFileBytes(routesJson: Buffer): Buffer {
  const text = routesJson.toString('utf8');
  return text.includes('{{') ? Buffer.from(text.replaceAll('{{', '{{"{{"}}')) : routesJson;
}

export interface DynamicFileOptions {
  /** The file in the directory Traefik's file provider watches. */
  file: string;
  /** Outside the watched directory, on the same filesystem: every event there costs Traefik a rebuild. */
  tempDir: string;
  /** At most one rename per this interval (Traefik's providersThrottleDuration); later bytes wait, only the newest is written. */
  minIntervalMs: number;
  onWritten: (bytes: Buffer, at: number) => void;
  log: (line: string) => void;
}

/**
 * Hands Traefik the route server's config: written to a temp file, synced, then renamed over the
 * watched file in one step, so Traefik never reads a partial or empty file. Nothing is written
 * before the first publish (the caller publishes after its first full discovery), so after a
 * restart Traefik keeps the previous file's routes until then.
 */
export class DynamicFile {
  readonly #opts: DynamicFileOptions;
  #current: Buffer | undefined;
  #pending: Buffer | undefined;
  #lastWrite = 0;
  #announced = false;
  #writes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: DynamicFileOptions) {
    this.#opts = opts;
    try {
      this.#current = readFileSync(opts.file);
    } catch {
      this.#current = undefined;
    }
    // Temp files a crashed run left behind (named by its PID).
    const stale = new RegExp(`^\\.${basename(opts.file).replace(/[.]/g, '\\.')}\\.[0-9]+\\.tmp$`);
    try {
      for (const name of readdirSync(opts.tempDir)) if (stale.test(name)) rmSync(join(opts.tempDir, name), { force: true });
    } catch {
      // no temp dir yet: the first write reports it
    }
  }

  /** The bytes now in the watched file (as written by this process or found at start). */
  get current(): Buffer | undefined {
    return this.#current;
  }

  /** Renames done since start: each one costs Traefik a rebuild of the directory. */
  get writes(): number {
    return this.#writes;
  }

  publish(routesJson: Buffer): void {
    const bytes = traefikFileBytes(routesJson);
    if (this.#current?.equals(bytes) && !this.#pending) {
      // The file found at start already holds these bytes: nothing to write, but it is now ours.
      if (!this.#announced) this.#opts.onWritten(bytes, Date.now());
      this.#announced = true;
      return;
    }
    this.#pending = bytes;
    const wait = this.#lastWrite + this.#opts.minIntervalMs - Date.now();
    if (wait <= 0) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), wait);
  }

  close(): void {
    clearTimeout(this.#timer);
  }

  #flush(): void {
    this.#timer = undefined;
    const bytes = this.#pending;
    this.#pending = undefined;
    if (!bytes || this.#current?.equals(bytes)) return;
    const tmp = join(this.#opts.tempDir, `.${basename(this.#opts.file)}.${process.pid}.tmp`);
    try {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, bytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.#opts.file);
    } catch (err) {
      rmSync(tmp, { force: true });
      this.#opts.log(`writing ${this.#opts.file} failed, Traefik keeps the previous routes: ${(err as Error).message}`);
      // Tried again with the next change or the periodic resync.
      return;
    }
    this.#current = bytes;
    this.#lastWrite = Date.now();
    this.#announced = true;
    this.#writes++;
    this.#opts.onWritten(bytes, this.#lastWrite);
  }
}
