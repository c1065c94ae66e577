/**
 * What a Rediaccfile may pass to compose after `renet compose --` (pure). renet picks the files,
 * the project and its directory itself, so that compose runs exactly the model it checked: flags
 * that change the model, read host files or grant privileges are refused; so are subcommands that
 * copy between host paths and containers. Deny by default.
 */

/** Global flags before the subcommand that only change how compose talks, never what it runs. */
const GLOBAL_WITH_VALUE = new Set(['--profile', '--ansi', '--progress', '--parallel']);
const GLOBAL_SWITCH = new Set(['--dry-run', '--compatibility', '--all-resources']);
/** Refused global flags that take a value: the value is skipped, not taken for the subcommand. */
const REFUSED_WITH_VALUE = new Set(['-f', '--file', '--env-file', '--project-directory', '-p', '--project-name']);

/** Subcommands that create containers or print the model: the compose policy applies to them. */
const CHECKED = new Set(['up', 'create', 'run', 'build', 'watch', 'scale', 'config']);
/** Subcommands that only act on containers made from a checked model, or read their state. */
const UNCHECKED = new Set(['down', 'stop', 'start', 'restart', 'ps', 'logs', 'rm', 'kill', 'pause', 'unpause', 'top', 'images', 'ls', 'version', 'port', 'events', 'wait', 'stats', 'volumes', 'attach', 'pull', 'exec']);

/** Subcommand flags that mount, read or grant what the model does not say, by subcommand. */
const REFUSED_FLAGS: Record<string, Record<string, string>> = {
  run: { '-v': 'mounts a host path', '--volume': 'mounts a host path', '--cap-add': 'adds capabilities', '--privileged': 'grants full root on the host', '--env-from-file': 'reads a host file' },
  exec: { '--privileged': 'grants full root on the host' },
  build: { '--ssh': 'forwards the server\'s SSH keys' },
  config: { '-o': 'writes a host file', '--output': 'writes a host file' },
};

export interface ComposeArgs {
  ok: boolean;
  errors: string[];
  /** The subcommand, when there is one. */
  subcommand?: string;
  /** True when the policy applies (the subcommand creates containers or prints the model). */
  checked: boolean;
}

export function checkComposeArgs(args: string[]): ComposeArgs {
  const errors: string[] = [];
  let i = 0;
  for (; i < args.length && (args[i] as string).startsWith('-'); i++) {
    const a = args[i] as string;
    const flag = a.split('=')[0] as string;
    if (GLOBAL_SWITCH.has(flag)) continue;
    if (GLOBAL_WITH_VALUE.has(flag)) {
      if (!a.includes('=')) i++;
      continue;
    }
    if (REFUSED_WITH_VALUE.has(flag) && !a.includes('=')) i++;
    errors.push(`${clip(a)}: renet compose chooses the compose file, project and directory itself (the checked model); remove it${/^(-f|--file|--env-file)/.test(a) ? ', and name the file compose.yaml beside the Rediaccfile' : ''}`);
  }
  const subcommand = args[i];
  if (subcommand === undefined) return { ok: !errors.length, errors, checked: false };
  if (!CHECKED.has(subcommand) && !UNCHECKED.has(subcommand)) {
    errors.push(`${clip(subcommand)}: not a compose subcommand renet runs (${[...CHECKED, ...UNCHECKED].sort().join(', ')})`);
  }
  const refused = REFUSED_FLAGS[subcommand] ?? {};
  for (const a of args.slice(i + 1)) {
    if (a === '--') break;
    // Short flags cluster and take attached values (`-dv/:/h`, `-v/:/h`): a refused letter anywhere counts.
    const letters = /^-([a-zA-Z]+)/.exec(a)?.[1] ?? '';
    const short = Object.keys(refused).find((f) => /^-[a-zA-Z]$/.test(f) && letters.includes(f.slice(1)));
    const why = refused[a.split('=')[0] as string] ?? (short ? refused[short] : undefined);
    if (why) errors.push(`${subcommand} ${clip(a)}: ${why}, outside the checked model; remove it and say it in the compose file`);
  }
  return { ok: !errors.length, errors, subcommand, checked: CHECKED.has(subcommand) };
}

function clip(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}
