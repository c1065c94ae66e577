import { bool, int, object, oneOf, optional, parseRequest, str, type Out } from './check.js';
import { absolutePath, networkId } from './request-fields.js';

/** `renet repo-daemon <verb>`: one repo's own dockerd on its own (systemd's hooks, tests). */
export type RepoDaemonVerb = 'start' | 'stop' | 'status';

/** What `renet repo-daemon start|stop|status` reads on stdin (renet's daemon target may carry more, all optional). */
const repoDaemonRequest = object({ rootPrefix: absolutePath, networkId, dataRoot: absolutePath });
export type RepoDaemonRequest = Out<typeof repoDaemonRequest>;

/** renet's side: the fields it builds paths from. */
export function parseRepoDaemonRequest<T extends RepoDaemonRequest>(verb: string, text: string): T {
  return parseRequest(`repo-daemon ${verb}`, repoDaemonRequest, text) as T;
}

/** `status` says whether the daemon answers on its socket; `start` and `stop` what they did. */
export const repoDaemonReply = object({
  networkId: int,
  socket: str,
  running: optional(bool),
  action: optional(oneOf('running', 'started', 'stopped')),
});
export type RepoDaemonReply = Out<typeof repoDaemonReply>;
