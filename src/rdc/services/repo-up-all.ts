import { mapLimit } from '../../core/util/map-limit.js';
import { selectContext, selectMachine } from '../../core/config/select.js';
import { ValidationError, type RdcError } from '../../core/errors.js';
import { readConfig, type Deps } from './deps.js';
import { repoUp } from './repo-up-service.js';

/** How many repos come up at once: each holds its own SSH connection and runs compose on the server. */
export const UP_ALL_PARALLEL = 4;

export interface RepoUpAllRow {
  repo: string;
  networkId: number;
  ok: boolean;
  /** The repo's first URL, or why it failed (the error's message and hint). */
  detail: string;
  urls: number;
}

/**
 * `rdc repo up --all -m MACHINE`: every repo the config records on that machine, each through the
 * single-repo service (mount with its credential over stdin, sync, daemon, Rediaccfiles), at most
 * UP_ALL_PARALLEL at a time, each over its own connection so one slow repo holds no other. Every
 * repo is tried; the summary names each failure and the call fails when any did.
 */
export async function repoUpAll(deps: Deps, machineFlag: string | undefined, opts: { unsafe?: boolean }) {
  const selected = selectContext(await readConfig(deps), deps.flags.context);
  const machineName = machineFlag ?? selected.context.defaultMachine;
  if (!machineName) {
    throw new ValidationError([{ where: '-m, --machine', message: 'which machine? --all brings up every repo of one machine, and no default machine is set in this context' }],
      { hint: 'rdc repo up --all -m server-1' });
  }
  selectMachine(selected, machineName);
  const names = Object.entries(selected.context.repositories).filter(([, r]) => r.machine === machineName).map(([n]) => n).sort();
  const rows = await mapLimit(names, UP_ALL_PARALLEL, async (name): Promise<RepoUpAllRow> => {
    const networkId = selected.context.repositories[name]?.networkId ?? 0;
    deps.out.progress(`repo up ${name}…`);
    try {
      const r = await repoUp(deps, name, { machine: machineName, mount: true, unsafe: opts.unsafe });
      if (r.dryRun) throw new Error('unexpected dry run');
      return { repo: name, networkId, ok: true, detail: r.urls[0]?.url ?? 'up (no URL)', urls: r.urls.length };
    } catch (err) {
      const e = err as RdcError;
      return { repo: name, networkId, ok: false, detail: `${e.message}${e.hint ? ` (${e.hint})` : ''}`.replace(/\s*\n\s*/g, ' '), urls: 0 };
    }
  });
  return { machine: machineName, rows, failed: rows.filter((r) => !r.ok).map((r) => r.repo) };
}
