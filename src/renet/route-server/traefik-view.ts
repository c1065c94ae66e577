import { downServers, type DownServer } from './backend-health.js';
import { compareWithTraefik, describeDiff, publishedRouters } from './proxy-compare.js';
import { traefikRawData } from './traefik-api.js';

export interface ProxyStatus {
  /** Where Traefik's API answers (an internal loopback listener, never public). */
  api: string;
  file: string;
  /** When the route server last wrote the file, and when Traefik's API first showed that file's routers. */
  writtenAt: string | null;
  loadedAt: string | null;
  /** Traefik serves exactly the routers of the last file. */
  synced: boolean;
  apiOk: boolean;
  /** At most 20 of each. */
  missing: string[];
  stale: string[];
  failing: { router: string; error: string }[];
  /** Servers of our services Traefik's health checks hold DOWN (out of rotation), as of the last look. */
  down: DownServer[];
  /** Set once the mismatch outlasts the settle time: /health turns degraded with this. */
  cause: string | null;
}

export interface TraefikViewOptions {
  api: { host: string; port: number };
  file: string;
  /** How long Traefik may take to load a file (fsnotify + its throttle) before a mismatch is reported. */
  settleMs: number;
}

/**
 * Backoff after a write. Traefik usually loads a file within tens of milliseconds; the first look
 * waits that long, so the check does not compete with the reload it is waiting for.
 */
const POLL_MS = [50, 100, 200, 400, 800, 1000];

/**
 * Reads Traefik's own view (its API's /api/rawdata) after every write of the routes file and at
 * each periodic check, and compares it with what was published: a file Traefik rejected leaves
 * it on its previous routes, which only this comparison can see.
 */
export class TraefikView {
  readonly #opts: TraefikViewOptions;
  #published = new Set<string>();
  #version = 0;
  #polling = false;
  #writtenAt = 0;
  #status: ProxyStatus;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: TraefikViewOptions) {
    this.#opts = opts;
    this.#status = { api: `${opts.api.host}:${opts.api.port}`, file: opts.file, writtenAt: null, loadedAt: null, synced: false, apiOk: false, missing: [], stale: [], failing: [], down: [], cause: null };
  }

  get status(): ProxyStatus {
    return this.#status;
  }

  /** A new file is in place: check Traefik until it shows it. */
  expect(dynamic: Record<string, unknown>, writtenAt: number): void {
    this.#published = publishedRouters(dynamic);
    this.#version++;
    this.#writtenAt = writtenAt;
    this.#status = { ...this.#status, writtenAt: new Date(writtenAt).toISOString(), synced: false };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#poll(1), POLL_MS[0]);
    this.#timer.unref();
  }

  /** The periodic check: Traefik may have restarted, or been stopped, or a health check changed a server's status. */
  recheck(): void {
    if (this.#writtenAt) this.#poll(0);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #poll(attempt: number): void {
    if (this.#closed) return;
    if (this.#polling) return;
    this.#polling = true;
    const version = this.#version;
    void this.#check().then((synced) => {
      this.#polling = false;
      if (this.#closed) return;
      // A newer file arrived meanwhile: start over for that one.
      if (version !== this.#version) return this.#poll(0);
      if (synced) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#poll(attempt + 1), POLL_MS[Math.min(attempt, POLL_MS.length - 1)]);
      this.#timer.unref();
    });
  }

  async #check(): Promise<boolean> {
    const raw = await traefikRawData(this.#opts.api);
    const late = Date.now() - this.#writtenAt > this.#opts.settleMs;
    if (!raw) {
      const cause = late ? `Traefik's API on ${this.#status.api} does not answer: whether it loaded ${this.#opts.file} is unknown` : this.#status.cause;
      this.#status = { ...this.#status, apiOk: false, synced: false, cause };
      return false;
    }
    const diff = compareWithTraefik(this.#published, raw);
    const synced = diff.missing.length === 0 && diff.stale.length === 0;
    const loadedAt = synced ? (this.#status.synced ? this.#status.loadedAt : new Date().toISOString()) : this.#status.loadedAt;
    const cause = synced || late ? describeDiff(diff, this.#opts.file) : this.#status.cause;
    // The lists are samples (the cause carries the counts): /health stays small at any scale.
    const sample = { missing: diff.missing.slice(0, 20), stale: diff.stale.slice(0, 20), failing: diff.failing.slice(0, 20) };
    this.#status = { ...this.#status, apiOk: true, synced, loadedAt, ...sample, down: downServers(raw).slice(0, 100), cause };
    return synced;
  }
}
