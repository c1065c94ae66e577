import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { COMPOSE_FILES } from '../compose/files.js';
import { rewriteCompose, type Slots } from '../compose/rewrite.js';

/**
 * `renet compose [--unsafe] -- <compose args>`, run from a Rediaccfile: the compose file of the
 * current directory is rewritten (SYSTEM.md §4) and docker compose (v2, else v1) runs it against the
 * repo's own daemon, with every `{SERVICE}_IP` in its environment. Resolves to compose's exit code.
 */
export async function composeCommand(args: string[], log: (line: string) => void): Promise<number> {
  const sep = args.indexOf('--');
  const own = sep >= 0 ? args.slice(0, sep) : [];
  const composeArgs = sep >= 0 ? args.slice(sep + 1) : args;
  const env = process.env;
  const networkId = Number(env.REPOSITORY_NETWORK_ID);
  const repoPath = env.REPOSITORY_PATH;
  if (!Number.isInteger(networkId) || !repoPath || !env.DOCKER_HOST || !env.REPOSITORY_NAME) {
    log('renet compose runs inside a repo (from a Rediaccfile): REPOSITORY_NAME, REPOSITORY_PATH, REPOSITORY_NETWORK_ID and DOCKER_HOST must be set');
    return 2;
  }
  const cwd = process.cwd();
  const file = COMPOSE_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
  if (!file) {
    log(`no compose file in ${cwd} (looked for ${COMPOSE_FILES.join(', ')})`);
    return 2;
  }
  const { parse, stringify } = await import('yaml');
  let model: Record<string, unknown>;
  try {
    model = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    log(`${file} does not parse: ${(err as Error).message.split('\n')[0]}`);
    return 2;
  }
  const slotsFile = join(repoPath, '.rediacc.json');
  const previous: Slots = existsSync(slotsFile) ? (JSON.parse(readFileSync(slotsFile, 'utf8')) as Slots) : { services: {} };
  const result = rewriteCompose(model ?? {}, networkId, previous, own.includes('--unsafe'));
  for (const w of result.warnings) log(`warning: ${w}`);
  if (result.errors.length) {
    for (const e of result.errors) log(`${basename(file)}: ${e}`);
    return 2;
  }
  writeFileAtomic.sync(slotsFile, `${JSON.stringify(result.slots, null, 2)}\n`);
  const rewritten = join(cwd, '.rediacc', 'compose.rewritten.yml');
  mkdirSync(join(cwd, '.rediacc'), { recursive: true });
  writeFileAtomic.sync(rewritten, `# Written by renet compose from ${basename(file)}; do not edit.\n${stringify(result.model, { lineWidth: 0 })}`);
  const project = projectName(env.REPOSITORY_NAME, repoPath, cwd);
  const base = ['-p', project, '--project-directory', cwd, '-f', rewritten, ...composeArgs];
  const childEnv = { ...env, ...result.env };
  const v2 = await run('docker', ['compose', 'version'], childEnv, true);
  return v2 === 0 ? run('docker', ['compose', ...base], childEnv) : run('docker-compose', base, childEnv);
}

/** `my-app`, or `my-app-db` for the Rediaccfile in subdirectory `db`. */
function projectName(repo: string, repoPath: string, cwd: string): string {
  const sub = cwd.replace(/\/+$/, '') === repoPath.replace(/\/+$/, '') ? '' : `-${basename(cwd)}`;
  return `${repo}${sub}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, quiet = false): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: quiet ? 'ignore' : 'inherit' });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}
