import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkComposeArgs } from '../core/compose/compose-args.js';
import { composeEnv, prepareCompose } from './compose-check.js';
import { composeTool } from './compose-tool.js';
import { readSession } from './lifecycle-session.js';
import { readSlots, writeSlots } from './host/slots-store.js';
import { rolloutUp } from './rollout/rollout-up.js';

/**
 * `renet compose -- <compose args>`, run from a Rediaccfile: the compose model of the current
 * directory is canonicalized, rewritten (SYSTEM.md §4) and checked (compose-check.ts), and docker
 * compose (v2, else v1) runs exactly that file against the repo's own daemon, with every
 * `{SERVICE}_IP` in its environment. Resolves to compose's exit code (2 when refused).
 */
export async function composeCommand(args: string[], log: (line: string) => void): Promise<number> {
  const sep = args.indexOf('--');
  const own = sep >= 0 ? args.slice(0, sep) : [];
  const composeArgs = sep >= 0 ? args.slice(sep + 1) : args;
  if (own.length) {
    log(own.includes('--unsafe')
      ? 'renet compose --unsafe: unsafe is decided for the whole repo, never by a file; run rdc repo up NAME --unsafe'
      : `renet compose: unknown option ${JSON.stringify(own[0])}; usage: renet compose -- <compose arguments>`);
    return 2;
  }
  const session = readSession(process.env);
  if (!session) {
    log('renet compose runs from a Rediaccfile, under renet lifecycle (rdc repo up / down): no lifecycle session here');
    return 2;
  }
  const { mount: repoPath, networkId, unsafe } = session;
  // The repo's own daemon and paths, whatever the Rediaccfile exported.
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: session.dockerHost, REPOSITORY_PATH: repoPath, REPOSITORY_NAME: session.name, REPOSITORY_NETWORK_ID: String(networkId) };
  const parsed = checkComposeArgs(composeArgs);
  if (!parsed.ok) {
    for (const e of parsed.errors) log(`renet compose: ${e}`);
    log('renet compose: refused; nothing was started or changed');
    return 2;
  }
  const cwd = process.cwd();
  const previous = readSlots(repoPath).slots;
  const globals = composeArgs.slice(0, parsed.subcommand === undefined ? composeArgs.length : composeArgs.indexOf(parsed.subcommand));
  const project = projectName(session.name, repoPath, cwd);
  // In the repo's own state directory, which no container may bind: nothing can swap it between check and run.
  const out = join(repoPath, '.rediacc', 'compose', `${project}.yml`);
  const job = { dir: cwd, mount: repoPath, networkId, project, previous, env, globals, checked: parsed.checked, unsafe, out, cache: true };
  const prepared = await prepareCompose(job);
  for (const w of prepared.warnings) log(`warning: ${w}`);
  if (!prepared.ok && !parsed.checked && existsSync(out)) {
    // down, stop, logs…: the model last checked and run is still there to act on (an --unsafe repo's too).
    for (const e of prepared.errors) log(`warning: ${e}`);
    log(`renet compose: ${parsed.subcommand ?? 'compose'} runs on the model last checked (${out})`);
    return (await composeTool(env)).run(project, cwd, out, composeArgs, composeEnv(env));
  }
  if (!prepared.ok) {
    for (const e of prepared.errors) log(e);
    log('renet compose: refused; nothing was started or changed');
    return 2;
  }
  writeSlots(repoPath, prepared.slots);
  if (parsed.subcommand === 'up' && session.rootPrefix !== undefined) {
    // Routed services compose would recreate are switched first, without downtime (issue 12).
    const r = await rolloutUp({
      job: { ...job, previous: prepared.slots }, compose: prepared.compose, file: prepared.file, env: prepared.env, upArgs: composeArgs.slice(globals.length + 1),
      rootPrefix: session.rootPrefix, socket: session.dockerHost.replace(/^unix:\/\//, ''), log,
    });
    return 'code' in r ? r.code : prepared.compose.run(project, cwd, prepared.file, [...globals, 'up', ...r.upArgs], prepared.env);
  }
  return prepared.compose.run(project, cwd, prepared.file, composeArgs, prepared.env);
}

/** `my-app`, or `my-app-db` for the Rediaccfile in subdirectory `db`. */
export function projectName(repo: string, repoPath: string, cwd: string): string {
  const sub = cwd.replace(/\/+$/, '') === repoPath.replace(/\/+$/, '') ? '' : `-${basename(cwd)}`;
  return `${repo}${sub}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}
