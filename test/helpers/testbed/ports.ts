import { createServer } from 'node:net';
import { pollUntil } from '../poll.js';

/** A TCP port free on 127.0.0.1 right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A source of free ports that never gives the same one twice: freePort() closes its probe, so two
 * calls may return the same port, and a describe block that binds several would then clash.
 */
export function distinctFreePorts(): () => Promise<number> {
  const taken = new Set<number>();
  return async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) return taken.add(p), p;
    }
  };
}

/**
 * A loopback address of its own for one test file (127.0.X.Y with X in 1-10), so that several
 * Traefiks binding the same entrypoint ports (5432, 53/udp…) never clash, even in parallel files.
 * Below 127.0.11.0, where the repos' own addresses start: set-infra refuses a listener there.
 */
export function privateLoopback(): string {
  return `127.0.${1 + Math.floor(Math.random() * 10)}.${1 + Math.floor(Math.random() * 254)}`;
}

/** Polls `probe` until it returns a value; a probe's error means "not yet" and is quoted when the time runs out. */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  return pollUntil(probe, { timeoutMs, everyMs }, (last) => new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`));
}
