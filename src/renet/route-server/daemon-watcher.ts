import Docker from 'dockerode';
import { coalesced } from '../../core/util/coalesced.js';
import type { ContainerInfo } from './model.js';

export interface DaemonStatus {
  networkId: number;
  socket: string;
  ok: boolean;
  /** Set while the daemon is unreachable; its last containers are kept until the grace period ends. */
  error: string | undefined;
  downSince: number | undefined;
  containers: ContainerInfo[];
  /** True once the daemon has been listed (or failed) at least once. */
  settled: boolean;
}

/**
 * Follows one repo daemon through the Docker Engine API, read-only: list running containers,
 * then follow container events; any start/die/stop/destroy triggers a re-list. A stream that ends
 * is reopened at once (the daemon is only marked down if that fails). If the daemon goes away it
 * is marked down, keeps its last containers, and is retried every second.
 */
export class DaemonWatcher {
  readonly status: DaemonStatus;
  /** Short calls (list): a hung daemon must not hold the route server. */
  readonly #docker: Docker;
  /**
   * The events stream: no socket timeout. docker-modem's `timeout` is an idle timeout on the
   * socket, so on the shared client it cut the stream after 5 s of silence and a start in the
   * moment before the reconnect was only seen at the next re-list.
   */
  readonly #stream: Docker;
  readonly #onChange: () => void;
  #events: NodeJS.ReadableStream | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  /**
   * Containers a `die`/`destroy` event reported, until a list stops showing them: a list made
   * right after `die` can still show the container running (its state is saved after the event).
   */
  readonly #dead = new Set<string>();
  #partial = '';

  constructor(networkId: number, socket: string, onChange: () => void) {
    this.status = { networkId, socket, ok: false, error: undefined, downSince: undefined, containers: [], settled: false };
    this.#docker = new Docker({ socketPath: socket, timeout: 5000 });
    this.#stream = new Docker({ socketPath: socket });
    this.#onChange = onChange;
  }

  start(): void {
    void this.#follow();
  }

  /** Re-lists the containers; concurrent calls coalesce into at most one more list. */
  readonly refresh = coalesced(() => this.#list(), () => this.#closed);

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    (this.#events as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  }

  async #list(): Promise<void> {
    try {
      const list = await this.#docker.listContainers({ filters: { status: ['running'] } });
      const shown = new Set(list.map((c) => c.Id));
      for (const id of this.#dead) if (!shown.has(id)) this.#dead.delete(id);
      this.status.containers = list.filter((c) => !this.#dead.has(c.Id)).map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        networkId: this.status.networkId,
        labels: c.Labels ?? {},
        startedAt: new Date(c.Created * 1000).toISOString(),
      }));
      if (!this.status.ok) {
        this.status.ok = true;
        this.status.error = undefined;
        this.status.downSince = undefined;
      }
    } catch (err) {
      this.#down(err);
    }
    this.status.settled = true;
    this.#onChange();
  }

  /**
   * Subscribes to events first and lists after: a container started in between would otherwise be
   * missed until the next periodic resync.
   */
  async #follow(): Promise<void> {
    if (this.#closed) return;
    try {
      // Not `kill`: it comes while the container still runs, and its re-list would only delay the
      // one after `die`.
      const stream = (await this.#stream.getEvents({ filters: { type: ['container'], event: ['start', 'die', 'stop', 'destroy', 'pause', 'unpause'] } })) as NodeJS.ReadableStream;
      this.#events = stream;
      this.#partial = '';
      stream.on('data', (chunk: Buffer) => {
        this.#note(chunk.toString('utf8'));
        void this.refresh();
      });
      // Reopened at once: #follow lists again after subscribing, so nothing started in between is
      // missed, and only a daemon that refuses the new stream is marked down. A stream that keeps
      // ending right away is retried once a second instead of in a tight loop.
      const openedAt = Date.now();
      const lost = () => {
        if (this.#events !== stream || this.#closed) return;
        this.#events = undefined;
        if (Date.now() - openedAt > 1000) void this.#follow();
        else this.#scheduleRetry();
      };
      stream.on('end', () => lost());
      stream.on('error', lost);
      await this.refresh();
    } catch (err) {
      this.#down(err);
      this.status.settled = true;
      this.#onChange();
      this.#scheduleRetry();
    }
  }

  /** Records which containers died or started, from the stream's JSON lines (a chunk may end mid-line). */
  #note(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const e = JSON.parse(line) as { Action?: string; status?: string; id?: string };
        const action = e.Action ?? e.status;
        if (!e.id) continue;
        if (action === 'die' || action === 'destroy') this.#dead.add(e.id);
        else if (action === 'start') this.#dead.delete(e.id);
      } catch {
        // not an event line; the re-list still runs
      }
    }
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#follow(), 1000);
    this.#retry.unref();
  }

  #down(err: unknown): void {
    this.status.ok = false;
    this.status.error = (err as Error)?.message ?? String(err);
    this.status.downSince ??= Date.now();
  }
}
