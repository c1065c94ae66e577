import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { hostPaths } from '../../core/compose/nested-binds.js';
import { literal, realpathLoose } from '../compose-check.js';
import { localGet } from '../local.js';

interface WritableBind {
  /** The bind source after symlinks. */
  real: string;
  /** Who binds it, for the message. */
  by: string;
}

/**
 * Why the Rediaccfile of `dir` could have been written by a container of the repo, or undefined.
 * A Rediaccfile runs as root on the server; a container may write everything below its writable
 * binds (`./data:/data` is allowed): one binding a first-level directory can put a Rediaccfile
 * there (or rewrite the one there, or the file a Rediaccfile symlink points to), and the next
 * lifecycle would run it. Asked before each step (the root's `up()` may just have started such a
 * container), of two sources: the models last run (.rediacc/compose), and every container the
 * repo's daemon holds, running or not — an orphan whose service a later model dropped is in no
 * model, but its bind is still there.
 */
export async function containerWritten(repoPath: string, dir: string, dockerHost: string | undefined): Promise<string | undefined> {
  const mount = realpathLoose(repoPath);
  const file = join(repoPath, dir, 'Rediaccfile');
  let writable: WritableBind[];
  try {
    writable = [...modelBinds(repoPath, mount), ...(await daemonBinds(dockerHost))];
  } catch (err) {
    return `${file}: ${(err as Error).message}`;
  }
  for (const real of [realpathLoose(join(repoPath, dir)), realpathLoose(file)]) {
    const bind = writable.find((b) => real === b.real || real.startsWith(`${b.real}/`));
    if (bind) return `${file}: ${real === bind.real ? `${real} is a directory` : `${real} lies in ${bind.real}`} which ${bind.by} binds writable: its container could have written this Rediaccfile, which runs as root; keep Rediaccfiles out of writable binds (bind a subdirectory, e.g. ./${dir || 'data'}/files)`;
  }
  return undefined;
}

/** Writable binds of the models the repo last ran (`.rediacc/compose/*.yml`), as compose uses them. */
function modelBinds(repoPath: string, mount: string): WritableBind[] {
  const models = join(repoPath, '.rediacc', 'compose');
  let names: string[];
  try {
    names = readdirSync(models).filter((n) => n.endsWith('.yml'));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    try {
      const model = literal(parse(readFileSync(join(models, n), 'utf8'), { logLevel: 'error' }) as Record<string, unknown>);
      return hostPaths(model ?? {}, { mount, baseDir: mount, realpath: realpathLoose }).filter((p) => p.writable).map((p) => ({ real: p.real, by: `${p.setting} (${n})` }));
    } catch {
      return [];
    }
  });
}

/**
 * Writable bind mounts of every container of the repo's daemon. None when no daemon listens on the
 * socket (its containers cannot run, let alone write). A daemon that takes the connection but gives
 * no list is an error, not an empty list: the guard must not pass a Rediaccfile because the daemon
 * was slow to answer.
 */
async function daemonBinds(dockerHost: string | undefined): Promise<WritableBind[]> {
  const socketPath = dockerHost?.startsWith('unix://') ? dockerHost.slice('unix://'.length) : undefined;
  if (!socketPath || !(await accepts(socketPath))) return [];
  const r = await localGet({ socketPath }, '/containers/json?all=1', 10_000);
  let containers: { Names?: string[]; Mounts?: { Type?: string; Source?: string; RW?: boolean }[] }[] | undefined;
  try {
    containers = r.status === 200 ? JSON.parse(r.body) : undefined;
  } catch {
    containers = undefined;
  }
  if (!Array.isArray(containers)) {
    throw new Error(`the repo's Docker daemon (${socketPath}) did not list its containers (HTTP ${r.status || 'no answer'}), so whether one of them could have written a Rediaccfile is unknown: nothing was run; check the daemon (rdc repo status) and retry`);
  }
  return containers.flatMap((c) => (c.Mounts ?? [])
    .filter((m) => m.Type === 'bind' && m.RW && typeof m.Source === 'string')
    .map((m) => ({ real: realpathLoose(m.Source as string), by: `container ${(c.Names?.[0] ?? '?').replace(/^\//, '')}` })));
}

/** Whether something accepts connections on the unix socket (a daemon that died leaves its socket file behind). */
function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
