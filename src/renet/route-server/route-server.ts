import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isNetworkId } from '../../core/infra/network.js';
import { nameBackends, type UnhealthyBackend } from './backend-health.js';
import { buildRoutes, type FragmentCache, type RouteBuild } from './build-routes.js';
import { DaemonWatcher } from './daemon-watcher.js';
import { DynamicFile } from './dynamic-file.js';
import type { RouteSettings, RouteState } from './model.js';
import { PinsWatcher, pinsDir } from './pins-watcher.js';
import { loadState, saveState } from './state-file.js';
import { TraefikView } from './traefik-view.js';

export interface RouteServerOptions {
  settings: RouteSettings;
  socketDir: string;
  stateDir: string;
  /** How long a dead daemon's last routes are kept. */
  graceMs: number;
  /** Periodic full resync, the fallback when an event is missed. */
  resyncMs: number;
  /** How often Traefik's API is read for its health checks' verdicts (only while a published service has one). */
  healthMs: number;
  /** Delay that coalesces a burst of events into one recompute. */
  throttleMs: number;
  /** Where Traefik's file provider reads the routes, and its API to check what it loaded. */
  proxy: {
    file: string;
    tempDir: string;
    api: { host: string; port: number };
    /** At most one file write per interval: Traefik's providersThrottleDuration. */
    writeIntervalMs: number;
    /** How long Traefik may take to load a file before a mismatch is reported. */
    settleMs: number;
  };
  log: (line: string) => void;
}

export type Snapshot = { ready: false } | { ready: true; build: RouteBuild; routesJson: Buffer; daemons: DaemonWatcher['status'][] };

/**
 * Watches `{socketDir}/docker-*.sock`, keeps one DaemonWatcher per repo daemon, and recomputes the
 * routes whenever one reports a change. The config goes to Traefik as a file its file provider
 * watches (renamed into place, so Traefik sees it within milliseconds instead of a poll), and
 * Traefik's API is read back to check it loaded it. /routes.json bytes are cached and replaced
 * only when the routes really change; until every daemon found at start has been listed once,
 * nothing is served and the file is left as the last run wrote it.
 */
export class RouteServer {
  readonly #opts: RouteServerOptions;
  readonly #watchers = new Map<string, DaemonWatcher>();
  #state: RouteState;
  #snapshot: Snapshot = { ready: false };
  #scanned = false;
  #timer: NodeJS.Timeout | undefined;
  #intervals: NodeJS.Timeout[] = [];
  #dirWatch: FSWatcher | undefined;
  #lastReport = '';
  readonly #fragments: FragmentCache = new Map();
  readonly #file: DynamicFile;
  readonly #view: TraefikView;
  readonly #pins: PinsWatcher;

  constructor(opts: RouteServerOptions) {
    this.#opts = opts;
    this.#state = loadState(opts.stateDir, opts.log);
    this.#pins = new PinsWatcher(pinsDir(opts.stateDir), () => this.#schedule(), opts.log);
    const { file, tempDir, api, writeIntervalMs, settleMs } = opts.proxy;
    this.#view = new TraefikView({ api, file, settleMs });
    this.#file = new DynamicFile({
      file, tempDir, minIntervalMs: writeIntervalMs, log: opts.log,
      // The bytes written are always those of the newest snapshot (older pending ones are dropped).
      onWritten: (_bytes, at) => {
        if (this.#snapshot.ready) this.#view.expect(this.#snapshot.build.dynamic, at);
      },
    });
  }

  /** What Traefik loaded, compared with what was published. */
  get proxy(): TraefikView['status'] & { writes: number } {
    return { ...this.#view.status, writes: this.#file.writes };
  }

  /** Backends Traefik's health checks took out of rotation, named by repo, service and container. */
  get unhealthy(): UnhealthyBackend[] {
    const containers = this.#snapshot.ready ? this.#snapshot.daemons.flatMap((d) => d.containers) : [];
    return nameBackends(this.#view.status.down, containers);
  }

  get snapshot(): Snapshot {
    return this.#snapshot;
  }

  async start(): Promise<void> {
    // Pins first: a restart in the middle of a rollout must not publish the old container for a moment.
    await this.#pins.start();
    await this.#scan();
    this.#scanned = true;
    this.#schedule();
    try {
      this.#dirWatch = watch(this.#opts.socketDir, () => void this.#scan());
    } catch {
      // The directory may not exist yet; the periodic scan below finds it when it appears.
    }
    this.#intervals.push(setInterval(() => void this.#scan(), 1000));
    this.#intervals.push(setInterval(() => {
      for (const w of this.#watchers.values()) void w.refresh();
      void this.#pins.reload();
      this.#view.recheck();
    }, this.#opts.resyncMs));
    this.#intervals.push(setInterval(() => {
      if (this.#snapshot.ready && this.#snapshot.routesJson.includes('"healthCheck"')) this.#view.recheck();
    }, this.#opts.healthMs));
  }

  stop(): void {
    for (const i of this.#intervals) clearInterval(i);
    clearTimeout(this.#timer);
    this.#file.close();
    this.#view.close();
    this.#dirWatch?.close();
    this.#pins.close();
    for (const w of this.#watchers.values()) w.close();
  }

  async #scan(): Promise<void> {
    const names = await readdir(this.#opts.socketDir).catch(() => [] as string[]);
    const present = new Set<string>();
    for (const name of names) {
      const m = /^docker-([0-9]+)\.sock$/.exec(name);
      if (!m || !isNetworkId(Number(m[1]))) continue;
      const socket = join(this.#opts.socketDir, name);
      present.add(socket);
      if (this.#watchers.has(socket)) continue;
      this.#opts.log(`daemon ${m[1]}: found ${socket}`);
      const watcher = new DaemonWatcher(Number(m[1]), socket, () => this.#schedule());
      this.#watchers.set(socket, watcher);
      watcher.start();
    }
    for (const [socket, watcher] of this.#watchers) {
      // A removed socket means the daemon was stopped on purpose (repo down): drop it at once.
      if (present.has(socket)) continue;
      this.#opts.log(`daemon ${watcher.status.networkId}: socket removed, routes dropped`);
      watcher.close();
      this.#watchers.delete(socket);
      this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#recompute();
    }, this.#opts.throttleMs);
  }

  #recompute(): void {
    const daemons = [...this.#watchers.values()].map((w) => w.status).sort((a, b) => a.networkId - b.networkId);
    if (!this.#scanned || daemons.some((d) => !d.settled)) return;
    const now = Date.now();
    for (const d of daemons) {
      if (!d.ok && d.downSince !== undefined && now - d.downSince > this.#opts.graceMs && d.containers.length) {
        this.#opts.log(`daemon ${d.networkId}: down for ${Math.round((now - d.downSince) / 1000)} s, dropping its ${d.containers.length} container(s)`);
        d.containers = [];
      }
    }
    const live = new Set(daemons.filter((d) => d.ok || d.downSince === undefined || now - d.downSince <= this.#opts.graceMs).map((d) => d.networkId));
    const build = buildRoutes(daemons.flatMap((d) => d.containers), this.#opts.settings, this.#state, this.#fragments, live, this.#pins.pins);
    const body = Buffer.from(JSON.stringify(build.dynamic));
    const previous = this.#snapshot.ready ? this.#snapshot.routesJson : undefined;
    const routesJson = previous && previous.equals(body) ? previous : body;
    if (JSON.stringify(build.state) !== JSON.stringify(this.#state)) {
      this.#state = build.state;
      saveState(this.#opts.stateDir, build.state, this.#opts.log);
    }
    // A copy: /health must describe the same moment as /routes.json, not the watchers' live state.
    this.#snapshot = { ready: true, build, routesJson, daemons: daemons.map((d) => ({ ...d })) };
    this.#file.publish(routesJson);
    this.#logReport(build, daemons);
  }

  /** Logs conflicts, bad labels, dead daemons and rollouts when they change, not on every recompute. */
  #logReport(build: RouteBuild, daemons: DaemonWatcher['status'][]): void {
    const lines = [
      ...build.conflicts.map((c) => `conflict: ${c.kind} ${c.value} is held by repo ${c.owner}; router ${c.router} of repo ${c.loser} (${c.container}) is not routed`),
      ...build.errors.map((e) => `bad labels on ${e.container} (repo ${e.networkId}), skipped: ${e.errors.join('; ')}`),
      ...daemons.filter((d) => !d.ok).map((d) => `daemon ${d.networkId} is down: ${d.error}`),
      ...build.rollouts.map((r) => `rollout: ${r.service} of repo ${r.networkId} routes to ${r.published.join(', ')} (${r.by === 'pin' ? 'pinned' : 'the candidate waits'}); held back: ${r.held.join(', ')}`),
    ];
    const report = lines.join('\n');
    if (report !== this.#lastReport) for (const line of lines) this.#opts.log(line);
    this.#lastReport = report;
  }
}
