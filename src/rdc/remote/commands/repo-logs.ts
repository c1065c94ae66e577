import { shellQuote } from '../../../core/util/shell-quote.js';
import { command, type RemoteCommand } from '../command.js';

/** How the logs script says what is missing (docker itself exits 1). */
export const LOGS_EXIT = { noContainer: 3, noDaemon: 4 } as const;

/**
 * Logs of a repo's containers from its own daemon: one service (followed with `follow`), or every
 * container of the repo one after the other, each under a `==> service` header.
 */
export function repoLogs(socket: string, service: string | undefined, opts: { follow: boolean; tail: number }): RemoteCommand {
  const docker = `docker -H ${shellQuote(`unix://${socket}`)}`;
  const logs = `${docker} logs --tail ${opts.tail}${opts.follow ? ' --follow' : ''}`;
  const daemonUp = `${docker} version >/dev/null 2>&1 || exit ${LOGS_EXIT.noDaemon}`;
  const script = service
    ? [daemonUp, `id=$(${docker} ps -aq --filter ${shellQuote(`label=rediacc.service_name=${service}`)} | head -n 1)`,
      `if [ -z "$id" ]; then echo ${shellQuote(`no container for service ${service} in this repo`)} >&2; exit ${LOGS_EXIT.noContainer}; fi`,
      `exec ${logs} "$id"`].join('; ')
    : [daemonUp, `ids=$(${docker} ps -aq --filter label=rediacc.network_id)`,
      `if [ -z "$ids" ]; then echo "this repo has no containers" >&2; exit ${LOGS_EXIT.noContainer}; fi`,
      `for id in $ids; do echo "==> $(${docker} inspect --format '{{index .Config.Labels "rediacc.service_name"}}' "$id")"; ${logs} "$id" 2>&1; done`].join('; ');
  return command(`logs${service ? ` of ${service}` : ''}`, ['sh', '-c', script], { root: true });
}
