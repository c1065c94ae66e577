import { selectContext, selectMachine } from '../../core/config/select.js';
import { tlsConfigured, type Machine } from '../../core/config/model.js';
import { UserError } from '../../core/errors.js';
import { bindAddress } from '../../core/infra/entrypoints.js';
import { octal, planSummary } from '../../core/plan/file-plan.js';
import { renderCheckedInfra } from './render-infra.js';
import { readConfig, type Deps } from './deps.js';
import { writeTree } from './write-tree.js';

export interface PushInfraOptions {
  output?: string;
  dryRun?: boolean;
}

/**
 * push-infra. With --output the complete server tree is rendered into a local directory (no network);
 * otherwise it is pushed over SSH (push-infra-remote.ts).
 */
export async function pushInfra(deps: Deps, machineName: string, opts: PushInfraOptions) {
  const config = await readConfig(deps);
  const selected = selectContext(config, deps.flags.context);
  const machine = selectMachine(selected, machineName);
  if (opts.output === undefined) {
    const { pushInfraRemote } = await import('./push-infra-remote.js');
    const pushed = await pushInfraRemote(deps, machineName, machine, selected.context, (m) => renderCheckedInfra(machineName, m), Boolean(opts.dryRun));
    return { mode: 'ssh' as const, machine: machineName, context: selected.name, ...pushed };
  }
  const files = await renderCheckedInfra(machineName, machine);
  if (opts.output.trim() === '') throw new UserError('--output: the directory is empty; give a directory path, e.g. --output ./server-1-infra');
  const { directory, plan } = await writeTree(deps.io.cwd, opts.output, files, opts.dryRun);
  return {
    mode: 'output' as const,
    machine: machineName,
    context: selected.name,
    directory,
    dryRun: Boolean(opts.dryRun),
    plan: plan.map(({ op, file, cause }) => ({ op, path: file.path, mode: octal(file.mode), sha256: file.sha256, cause })),
    summary: planSummary(plan),
    warnings: infraWarnings(machine),
  };
}

/** Things that render fine but will surprise the user at runtime. */
function infraWarnings(machine: Machine): string[] {
  const warnings = !tlsConfigured(machine.infra) ? ['TLS is off: without --cert-email routes are served over plain HTTP on the web entrypoint.'] : [];
  if (bindAddress(machine.infra) === undefined) {
    warnings.push('No address is set: web, tcp-* and udp-* bind every address here, and a repo service on its own IP with the same port (a db on 5432) cannot start beside them. '
      + 'Set --public-ipv4 or --listen-address (push-infra over SSH detects the server\'s primary address instead).');
  }
  return warnings;
}

