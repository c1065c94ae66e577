import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isNetworkId } from '../../core/infra/network.js';
import { SERVER_PATHS } from '../../core/infra/server-layout.js';
import { parsePins, type RepoPins } from '../../core/repo/rollout-pins.js';
import { coalesced } from '../../core/util/coalesced.js';
import type { PinTable } from './rollout-select.js';

/** `{stateDir}/pins`: SERVER_PATHS.routerPins, placed relative to the router's state dir as router.json gives it. */
export function pinsDir(stateDir: string): string {
  return join(stateDir, posix.relative(SERVER_PATHS.routerState, SERVER_PATHS.routerPins));
}

/** A pins file holds a few service names; anything bigger is not renet's and is read as no pin. */
const MAX_BYTES = 64 * 1024;

/**
 * Follows renet's rollout pins (`{networkId}.json` in the pins dir, src/core/repo/rollout-pins.ts): re-reads
 * them on every change the directory reports (renet renames each file into place) and whenever
 * `reload` is called (the route server's periodic resync, the fallback for a missed event). Calls
 * `onChange` only when what the files say has changed.
 */
export class PinsWatcher {
  readonly #dir: string;
  readonly #onChange: () => void;
  readonly #log: (line: string) => void;
  #pins: PinTable = new Map();
  #text = '[]';
  #watch: FSWatcher | undefined;
  #closed = false;

  constructor(dir: string, onChange: () => void, log: (line: string) => void) {
    this.#dir = dir;
    this.#onChange = onChange;
    this.#log = log;
  }

  get pins(): PinTable {
    return this.#pins;
  }

  /** Creates the directory (root-only, like the rest of the state dir) and reads it once before returning. */
  async start(): Promise<void> {
    try {
      mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      this.#log(`pins: cannot create ${this.#dir}: ${(err as Error).message}`);
    }
    this.#follow();
    await this.reload();
  }

  /** Re-reads every pins file (watching the directory again if it had gone); concurrent calls coalesce into at most one more read. */
  reload(): Promise<void> {
    if (!this.#watch) this.#follow();
    return this.#reread();
  }

  readonly #reread = coalesced(() => this.#read(), () => this.#closed);

  close(): void {
    this.#closed = true;
    this.#watch?.close();
  }

  #follow(): void {
    if (this.#closed) return;
    try {
      const w = watch(this.#dir, () => void this.reload());
      // The directory was removed: the next reload (resync) watches it again once it is back.
      w.on('error', () => {
        w.close();
        if (this.#watch === w) this.#watch = undefined;
      });
      this.#watch = w;
    } catch {
      this.#watch = undefined;
    }
  }

  async #read(): Promise<void> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const table = new Map<number, RepoPins>();
    for (const name of names.sort()) {
      const m = /^([0-9]+)\.json$/.exec(name);
      if (!m || !isNetworkId(Number(m[1]))) continue;
      const pins = readPinsFile(join(this.#dir, name));
      if (Object.keys(pins.services).length) table.set(Number(m[1]), pins);
    }
    const text = JSON.stringify([...table]);
    if (this.#closed || text === this.#text) return;
    this.#text = text;
    this.#pins = table;
    this.#log(`pins: ${table.size ? [...table].map(([id, p]) => Object.entries(p.services).map(([s, c]) => `${s}@${id} → ${c.slice(0, 12)}`).join(', ')).join(', ') : 'none'}`);
    this.#onChange();
  }
}

/**
 * One pins file (renet's rollout and the route server both read through this): no pins when it is
 * gone (renamed over or deleted between readdir and open), too big, malformed, or not a regular file:
 * a symlink is not followed and a FIFO is not waited on (either would let one odd entry stall every
 * repo's pins, or point renet, which runs as root, at another file).
 */
export function readPinsFile(file: string): RepoPins {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return { services: {} };
    const buf = Buffer.alloc(MAX_BYTES + 1);
    const bytesRead = readSync(fd, buf, 0, buf.length, 0);
    return bytesRead > MAX_BYTES ? { services: {} } : parsePins(buf.subarray(0, bytesRead).toString('utf8'));
  } catch {
    return { services: {} };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
