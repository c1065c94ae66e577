import { command, shellQuote, type RemoteCommand } from '../command.js';

/**
 * Logs of a repo's containers from its own daemon: one service (followed with `follow`), or every
 * container of the repo one after the other, each under a `==> service` header.
 */
export function repoLogs(socket: string, service: string | undefined, opts: { follow: boolean; tail: number }): RemoteCommand {
  const docker = `docker -H ${shellQuote(`unix://${socket}`)}`;
  const logs = `${docker} logs --tail ${opts.tail}${opts.follow ? ' --follow' : ''}`;
  const script = service
    ? [`id=$(${docker} ps -aq --filter ${shellQuote(`label=rediacc.service_name=${service}`)} | head -n 1)`,
      `if [ -z "$id" ]; then echo ${shellQuote(`no container for service ${service} in this repo`)} >&2; exit 3; fi`,
      `exec ${logs} "$id"`].join('; ')
    : [`ids=$(${docker} ps -aq --filter label=rediacc.network_id)`,
      'if [ -z "$ids" ]; then echo "this repo has no containers" >&2; exit 3; fi',
      `for id in $ids; do echo "==> $(${docker} inspect --format '{{index .Config.Labels "rediacc.service_name"}}' "$id")"; ${logs} "$id" 2>&1; done`].join('; ');
  return command(`logs${service ? ` of ${service}` : ''}`, ['sh', '-c', script]);
}
