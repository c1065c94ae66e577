import { readFileSync } from 'node:fs';
import { sleep, waitUntil } from '../../core/util/wait-until.js';
import { establishedTo, parseProcNetTcp, type TcpSocket } from './proc-net-tcp.js';

/**
 * A request Traefik picked the old backend for just before it loaded the switch may not have
 * connected yet when the count first reads 0: the drain starts counting after this pause.
 */
const SETTLE_MS = 250;

/** The host's TCP sockets (repo containers use host networking: theirs are here). */
export function hostSockets(): TcpSocket[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => {
    try {
      return parseProcNetTcp(readFileSync(file, 'utf8'));
    } catch {
      return []; // no IPv6 in this kernel
    }
  });
}

/**
 * Waits until no connection is in progress to the container's routed endpoints (it has finished
 * its in-flight requests), at most `timeoutMs` (`rediacc.drain_timeout`). Traefik's backend
 * connections idle out after a second (serversTransport idleConnTimeout, traefik-static.ts), so an
 * established connection here is a request in flight, not a kept-alive idle one. Resolves to the
 * connections still open when the time ran out (0 when drained).
 */
export async function drain(endpoints: { ip: string; port: number }[], timeoutMs: number): Promise<number> {
  if (!endpoints.length || timeoutMs === 0) return 0;
  await sleep(Math.min(SETTLE_MS, timeoutMs));
  const drained = await waitUntil(() => (establishedTo(hostSockets(), endpoints) === 0 ? true : undefined), { timeoutMs, everyMs: 100 });
  return drained ? 0 : establishedTo(hostSockets(), endpoints);
}
