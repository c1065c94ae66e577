import { shellQuote } from '../util/shell-quote.js';
import { quoteExecArg } from '../render/systemd-escape.js';

/** Where one repo's dockerd keeps its runtime files (all under the machine's root prefix). */
export interface DaemonFiles {
  socket: string;
  execRoot: string;
  pidfile: string;
  config: string;
  dataRoot: string;
}

/** The repo's volume, as its daemon unit needs it to start by itself after a reboot. */
export interface UnitVolume {
  kind: 'luks' | 'image' | 'directory';
  mount: string;
  image: string;
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
 * What makes the unit start at boot only when its volume can be there (pure):
 * - image: mounted by the unit itself (no credential needed), unless already mounted;
 * - luks: the credential never stays on the server, so after a reboot the volume is closed and the
 *   unit is skipped (a failed condition: "inactive", no crash loop) until `rdc repo up --mount`;
 * - directory: nothing to mount, the directory must exist.
 */
export function volumeGate(v: UnitVolume | undefined): { unit: string[]; service: string[] } {
  if (!v) return { unit: [], service: [] };
  // systemd reads %x specifiers in every setting; a Condition path is the rest of its line.
  const path = (p: string) => p.replace(/%/g, '%%');
  if (v.kind === 'luks') return { unit: [`ConditionPathIsMountPoint=${path(v.mount)}`], service: [] };
  if (v.kind === 'directory') return { unit: [`ConditionPathIsDirectory=${path(v.mount)}`], service: [] };
  const script = `mountpoint -q ${shellQuote(v.mount)} || mount -o loop ${shellQuote(v.image)} ${shellQuote(v.mount)}`;
  return { unit: [], service: [`ExecStartPre=${['/bin/sh', '-c', script].map(quoteExecArg).join(' ')}`] };
}

/**
 * A systemd unit running the repo daemon, for servers where systemd is PID 1 (pure). `hooks` are
 * renet's command lines that bring back, after a crash, the containers that were running
 * (`renet repo-daemon capture` after every stop, `restore` after every start).
 */
export function repoDaemonUnit(networkId: number, repoName: string, args: string[], hooks?: { capture: string[]; restore: string[] }, volume?: UnitVolume): string {
  // systemd splits ExecStart like a shell with C-style quotes, and reads % and $: quote every argument.
  const quote = (list: string[]) => list.map(quoteExecArg).join(' ');
  const exec = quote(args);
  // `-`: a hook that fails never fails the daemon itself.
  const hookLines = hooks ? `ExecStopPost=-/usr/bin/env ${quote(hooks.capture)}\nExecStartPost=-/usr/bin/env ${quote(hooks.restore)}\n` : '';
  const gate = volumeGate(volume);
  const lines = (l: string[]) => l.map((x) => `${x}\n`).join('');
  return `# Written by renet (rdc repo up); removed by rdc repo delete.
[Unit]
Description=rdc repo ${repoName}: its own Docker daemon (network ${networkId})
After=network-online.target
Wants=network-online.target
${lines(gate.unit)}
[Service]
Type=simple
${lines(gate.service)}ExecStart=/usr/bin/env ${exec}
${hookLines}Restart=always
RestartSec=1
KillMode=process
TimeoutStopSec=60

[Install]
WantedBy=multi-user.target
`;
}
