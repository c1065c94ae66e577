import { isNetworkId } from '../infra/network.js';
import { bool, int, object, oneOf, optional, str, type Out } from './check.js';

/** `renet repo-daemon <verb>`: one repo's own dockerd on its own (systemd's hooks, tests). */
export type RepoDaemonVerb = 'start' | 'stop' | 'status';

/** What `renet repo-daemon start|stop|status` reads on stdin (renet's daemon target may carry more, all optional). */
export interface RepoDaemonRequest {
  rootPrefix: string;
  networkId: number;
  dataRoot: string;
}

/** renet's side: the fields it builds paths from. */
export function parseRepoDaemonRequest<T extends RepoDaemonRequest>(text: string): T {
  const t = JSON.parse(text) as T;
  if (!isNetworkId(t.networkId) || typeof t.rootPrefix !== 'string' || typeof t.dataRoot !== 'string') {
    throw new Error('repo-daemon request: rootPrefix, networkId (2816 + 64·n) and dataRoot are required');
  }
  return t;
}

/** `status` says whether the daemon answers on its socket; `start` and `stop` what they did. */
export const repoDaemonReply = object({
  networkId: int,
  socket: str,
  running: optional(bool),
  action: optional(oneOf('running', 'started', 'stopped')),
});
export type RepoDaemonReply = Out<typeof repoDaemonReply>;
