import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { ipVariable } from '../../src/core/compose/rewrite.js';
import { serviceIp } from '../../src/core/infra/network.js';
import { FIXTURES } from './paths.js';

const run = promisify(execFile);

/** What the test app (test/fixtures/zdd-app) serves: its version marker, and whether /health exists. */
export interface ZddAppState {
  version: string;
  healthy?: boolean;
}

/** A copy of the test app in `dir/name`, at `state`; `healthWait` sets rediacc.healthcheck.wait (default 60 s). */
export function zddAppSource(dir: string, name: string, state: ZddAppState, opts: { healthWait?: string } = {}): string {
  const src = join(dir, name);
  cpSync(join(FIXTURES, 'zdd-app'), src, { recursive: true });
  if (opts.healthWait) {
    const file = join(src, 'compose.yaml');
    const label = '      rediacc.healthcheck.interval: 200ms\n';
    const compose = readFileSync(file, 'utf8');
    if (!compose.includes(label)) throw new Error(`${file}: no "${label.trim()}" line to put the wait label after`);
    writeFileSync(file, compose.replace(label, `${label}      rediacc.healthcheck.wait: ${opts.healthWait}\n`));
  }
  setZddApp(src, state);
  return src;
}

/** Changes the app's version or health (its .env): the next `up` recreates (or replaces) the web container. */
export function setZddApp(src: string, state: ZddAppState): void {
  writeFileSync(join(src, '.env'), `APP_VERSION=${state.version}\nAPP_HEALTHY=${state.healthy === false ? 'no' : 'yes'}\n`);
}

/** Where a repo up by rdc keeps its files on the test server, and its own daemon's socket. */
export interface RepoOnServer {
  /** The repo's mount (its files, `.rediacc.json`, `.rediacc/compose/{project}.yml`). */
  mount: string;
  /** The repo daemon's socket. */
  socket: string;
  networkId: number;
  /** The compose project (the repo's name, for its root Rediaccfile). */
  project: string;
}

/** `docker compose` (v2) when the plugin is there, else `docker-compose` (v1): what renet picks. */
export async function composeCommand(): Promise<string[]> {
  return (await run('docker', ['compose', 'version']).then(() => true, () => false)) ? ['docker', 'compose'] : ['docker-compose'];
}

/**
 * The baseline of issue 12: the same change as `setZddApp(…, state)` deployed the way a user
 * would without rdc — plain `docker compose up -d` against the repo's daemon, on the model renet last
 * ran with only APP_VERSION/APP_HEALTHY changed (same project, same containers, same {SERVICE}_IP values). The
 * changed model goes to `scratch` (never into the repo's `.rediacc/`, which renet reads).
 */
export async function plainComposeUp(repo: RepoOnServer, state: ZddAppState, scratch: string): Promise<void> {
  const model = parse(readFileSync(join(repo.mount, '.rediacc/compose', `${repo.project}.yml`), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
  const env = model.services.web?.environment;
  if (!env || !('APP_VERSION' in env)) throw new Error(`${repo.project}: the last model has no web.environment.APP_VERSION (not the zdd test app?)`);
  env.APP_VERSION = state.version;
  env.APP_HEALTHY = state.healthy === false ? 'no' : 'yes';
  const file = join(scratch, `${repo.project}-baseline.yml`);
  writeFileSync(file, stringify(model));
  const slots = (JSON.parse(readFileSync(join(repo.mount, '.rediacc.json'), 'utf8')) as { services: Record<string, { slot: number }> }).services;
  const ips = Object.fromEntries(Object.entries(slots).map(([name, { slot }]) => [ipVariable(name), serviceIp(repo.networkId, slot)]));
  const [cmd, ...sub] = await composeCommand();
  await run(cmd as string, [...sub, '-p', repo.project, '--project-directory', repo.mount, '-f', file, 'up', '-d'],
    { env: { PATH: process.env.PATH, DOCKER_HOST: `unix://${repo.socket}`, ...ips } });
}

/** Where `rdc repo up` put repo `name` on the bed's test server. */
export function repoOnServer(bed: { dir: string; server: { rootPrefix: string } }, name: string, networkId: number): RepoOnServer {
  const cfg = parse(readFileSync(join(bed.dir, 'config.yaml'), 'utf8')) as { contexts: { default: { repositories: Record<string, { guid: string }> } } };
  const guid = cfg.contexts.default.repositories[name]?.guid;
  if (!guid) throw new Error(`repo ${name} is not in ${bed.dir}/config.yaml`);
  return {
    mount: join(bed.server.rootPrefix, 'mnt/rediacc/mounts', guid),
    socket: join(bed.server.rootPrefix, `var/run/rediacc/docker-${networkId}.sock`),
    networkId,
    project: name,
  };
}
