import Docker from 'dockerode';
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
 * then follow container events; any start/die/stop/destroy triggers a re-list. If the daemon goes
 * away it is marked down, keeps its last containers, and is retried every second.
 */
export class DaemonWatcher {
  readonly status: DaemonStatus;
  readonly #docker: Docker;
  readonly #onChange: () => void;
  #events: NodeJS.ReadableStream | undefined;
  #retry: NodeJS.Timeout | undefined;
  #listing: Promise<void> | undefined;
  #relist = false;
  #closed = false;

  constructor(networkId: number, socket: string, onChange: () => void) {
    this.status = { networkId, socket, ok: false, error: undefined, downSince: undefined, containers: [], settled: false };
    this.#docker = new Docker({ socketPath: socket, timeout: 5000 });
    this.#onChange = onChange;
  }

  start(): void {
    void this.#follow();
  }

  /** Re-lists the containers; concurrent calls coalesce into at most one more list. */
  refresh(): Promise<void> {
    if (this.#listing) {
      this.#relist = true;
      return this.#listing;
    }
    this.#listing = this.#list().finally(() => {
      this.#listing = undefined;
      if (this.#relist && !this.#closed) {
        this.#relist = false;
        void this.refresh();
      }
    });
    return this.#listing;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    (this.#events as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  }

  async #list(): Promise<void> {
    try {
      const list = await this.#docker.listContainers({ filters: { status: ['running'] } });
      this.status.containers = list.map((c) => ({
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
      const stream = (await this.#docker.getEvents({ filters: { type: ['container'], event: ['start', 'die', 'stop', 'destroy', 'kill', 'pause', 'unpause'] } })) as NodeJS.ReadableStream;
      this.#events = stream;
      stream.on('data', () => void this.refresh());
      const lost = (err?: unknown) => {
        if (this.#events !== stream || this.#closed) return;
        this.#events = undefined;
        this.#down(err ?? new Error('the daemon closed its event stream'));
        this.#onChange();
        this.#scheduleRetry();
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
