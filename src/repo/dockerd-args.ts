import { quoteExecArg } from '../render/systemd-escape.js';

/** Where one repo's dockerd keeps its runtime files (all under the machine's root prefix). */
export interface DaemonFiles {
  socket: string;
  execRoot: string;
  pidfile: string;
  config: string;
  dataRoot: string;
}

/**
 * The repo daemon's command line (SYSTEM.md §4): its own socket, data-root inside the repo's
 * mount, exec-root, pidfile and config; no bridge, no iptables, no userland proxy (pure).
 */
export function dockerdArgs(f: DaemonFiles): string[] {
  return ['dockerd', '--host', `unix://${f.socket}`, '--data-root', f.dataRoot, '--exec-root', f.execRoot, '--pidfile', f.pidfile,
    '--config-file', f.config, '--bridge=none', '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--userland-proxy=false', '--log-level=warn'];
}

/**
 * A systemd unit running the repo daemon, for servers where systemd is PID 1 (pure). `hooks` are
 * renet's command lines that bring back, after a crash, the containers that were running
 * (`renet repo-daemon capture` after every stop, `restore` after every start).
 */
export function repoDaemonUnit(networkId: number, repoName: string, args: string[], hooks?: { capture: string[]; restore: string[] }): string {
  // systemd splits ExecStart like a shell with C-style quotes, and reads % and $: quote every argument.
  const quote = (list: string[]) => list.map(quoteExecArg).join(' ');
  const exec = quote(args);
  // `-`: a hook that fails never fails the daemon itself.
  const hookLines = hooks ? `ExecStopPost=-/usr/bin/env ${quote(hooks.capture)}\nExecStartPost=-/usr/bin/env ${quote(hooks.restore)}\n` : '';
  return `# Written by renet (rdc repo up); removed by rdc repo delete.
[Unit]
Description=rdc repo ${repoName}: its own Docker daemon (network ${networkId})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=/usr/bin/env ${exec}
${hookLines}Restart=always
RestartSec=1
KillMode=process
TimeoutStopSec=60

[Install]
WantedBy=multi-user.target
`;
}
