import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parse } from 'yaml';
import { checkFileRefs } from '../core/compose/file-refs.js';
import { COMPOSE_FILES } from '../core/compose/files.js';
import { outsideReason, type PathScope } from '../core/compose/host-paths.js';
import { checkComposeModel, formatFinding, type Finding } from '../core/compose/policy.js';
import { checkNestedBinds } from '../core/compose/nested-binds.js';
import { rewriteCompose, type Slots } from '../core/compose/rewrite.js';
import { checkKey, codeAndModels, DiskRecorder, dropCheck, keyedEnv, lookupCheck, sha, storeCheck, type CheckEntry } from './compose-check-cache.js';
import { composeFrom, composeTool, type Compose } from './compose-tool.js';
import { SESSION_VARIABLE } from './lifecycle-session.js';

type Obj = Record<string, unknown>;

export interface ComposeJob {
  /** The directory of the Rediaccfile (the compose project's directory). */
  dir: string;
  /** The repo's mount (REPOSITORY_PATH). */
  mount: string;
  networkId: number;
  project: string;
  previous: Slots;
  env: NodeJS.ProcessEnv;
  /** Compose's global flags the Rediaccfile gave (already checked: --profile, --ansi…). */
  globals: string[];
  /** Apply the policy (the subcommand creates containers or prints the model). */
  checked: boolean;
  unsafe: boolean;
  /** Where the model compose runs is written. */
  out: string;
  /** `{SERVICE}_IP` values that win over the slots': a rollout's candidate address (never recorded). */
  ipOverride?: Record<string, string>;
  /** Keep the verdict beside `out` and reuse it while nothing it looked at changed (compose-check-cache.ts). */
  cache?: boolean;
}

export type Prepared =
  | { ok: true; file: string; env: NodeJS.ProcessEnv; slots: Slots; warnings: string[]; compose: Compose }
  | { ok: false; errors: string[]; warnings: string[] };

/**
 * The model compose will run, checked: `compose config` (v2, else v1) gives the canonical model —
 * interpolated, merged, extended, included, paths absolute — after the files it reads were checked
 * (file-refs.ts); it is rewritten (host networking, labels, slots) and written to `out`; then the
 * written file is canonicalized again with the very flags and environment compose will run with,
 * and THAT model is checked too. So nothing can differ between what is checked and what runs.
 */
export async function prepareCompose(job: ComposeJob): Promise<Prepared> {
  const mount = realpathLoose(job.mount);
  const dir = realpathLoose(job.dir);
  // Everything the check reads or resolves goes through the recorder: that is what its verdict depends on.
  const disk = new DiskRecorder(realpathLoose, readIfFile);
  const scope: PathScope = { mount, baseDir: dir, realpath: disk.realpath };
  const found: Finding[] = [];
  const dirWhy = outsideReason(dir, scope, false);
  if (dirWhy && !job.unsafe) return { ok: false, errors: [`renet compose runs in a directory of the repo: ${dirWhy}`], warnings: [] };
  const name = COMPOSE_FILES.find((f) => existsSync(join(dir, f)));
  if (!name) return { ok: false, errors: [`no compose file in ${dir} (looked for ${COMPOSE_FILES.join(', ')})`], warnings: [] };
  const file = join(dir, name);
  // Compose must never read a file outside the repo, whatever the subcommand (its errors may quote
  // a file's lines): stop before it runs.
  const own = outsideReason(file, scope, false);
  if (own) found.push({ setting: name, problem: own, fix: 'keep the compose file itself inside the repo' });
  else found.push(...checkFileRefs(file, { mount, realpath: disk.realpath }, disk.read, disk.read));
  if (found.length && !job.unsafe) return refuse(found, name);
  // Nor the lifecycle session's token: compose would hand it to any container that interpolates it.
  const env = composeEnv(job.env);
  const caching = job.cache === true && job.checked && !job.unsafe && !job.ipOverride;
  const key = caching ? checkKey([1, job.project, dir, file, job.globals, job.networkId, job.previous, keyedEnv(env, disk.names), codeAndModels(job.out)]) : '';
  const kept = caching ? lookupCheck(job.out, key, realpathLoose, readIfFile) : undefined;
  if (kept) return { ok: true, file: job.out, env: { ...env, ...kept.envAdd }, slots: kept.slots, warnings: kept.warnings, compose: keepingHashes(composeFrom(kept.cli), job.out, kept) };
  if (caching) dropCheck(job.out);
  const compose = await composeTool(job.env);
  const base = { ...env };
  Object.assign(env, ipEnv(rawServices(file), job.networkId, job.previous), job.ipOverride);
  let canonical = await compose.config(job.project, dir, file, job.globals, env);
  if ('error' in canonical) return { ok: false, errors: [`${name}: ${canonical.error}`], warnings: [] };
  let rewritten = rewriteCompose(canonical.model, job.networkId, job.previous);
  if (Object.keys(rewritten.env).some((k) => env[k] === undefined)) {
    // services compose found beyond the raw file (include, extends): give them their addresses too
    Object.assign(env, rewritten.env, job.ipOverride);
    canonical = await compose.config(job.project, dir, file, job.globals, env);
    if ('error' in canonical) return { ok: false, errors: [`${name}: ${canonical.error}`], warnings: [] };
    rewritten = rewriteCompose(canonical.model, job.networkId, job.previous);
  }
  Object.assign(env, rewritten.env, job.ipOverride);
  if (rewritten.errors.length) return { ok: false, errors: rewritten.errors.map((e) => `${name}: ${e}`), warnings: rewritten.warnings };
  if (job.checked) found.push(...checkComposeModel(literal(canonical.model), scope));
  // Written aside and renamed into place only once checked: a refusal leaves the last good file.
  const scratch = `${job.out}.${process.pid}.check`;
  mkdirSync(dirname(job.out), { recursive: true });
  const text = `# Written by renet compose from ${name}: the checked model compose runs; do not edit.\n${JSON.stringify(rewritten.model, null, 2)}\n`;
  writeFileAtomic.sync(scratch, text);
  try {
    if (job.checked) {
      const final = await compose.config(job.project, dir, scratch, job.globals, env);
      if ('error' in final) return { ok: false, errors: [`${name} (as rewritten): ${final.error}`], warnings: [] };
      // Compose prints a literal `$` as `$$` (and reads it back so): the policy sees the paths Docker will use.
      const model = literal(final.model);
      found.push(...checkComposeModel(model, scope), ...hostNetworking(model));
      found.push(...checkNestedBinds(model, scope, recordedModels(job.out, final.model).map(literal), false));
    }
    const unique = dedupe(found);
    if (unique.length && !job.unsafe) return refuse(unique, name, rewritten.warnings);
    renameSync(scratch, job.out);
    const warnings = [...rewritten.warnings, ...unique.map((f) => formatFinding(f, true))];
    if (!caching) return { ok: true, file: job.out, env, slots: rewritten.slots, warnings, compose };
    const envAdd = Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && base[k] !== v)) as Record<string, string>;
    const entry: CheckEntry = { key, reads: [...disk.reads], reals: [...disk.reals], outSha: sha(text), slots: rewritten.slots, envAdd, warnings, cli: compose.cli };
    storeCheck(job.out, entry);
    return { ok: true, file: job.out, env, slots: rewritten.slots, warnings, compose: keepingHashes(compose, job.out, entry) };
  } finally {
    rmSync(scratch, { force: true });
  }
}

/** The compose of a kept verdict: `config --hash=*` of its model is asked once, then kept with it. */
function keepingHashes(compose: Compose, out: string, entry: CheckEntry): Compose {
  return {
    ...compose,
    async hashes(project, dir, file, globals, env) {
      if (file !== out) return compose.hashes(project, dir, file, globals, env);
      if (entry.hashes) return entry.hashes;
      const hashes = await compose.hashes(project, dir, file, globals, env);
      if (!('error' in hashes && typeof hashes.error === 'string')) {
        entry.hashes = hashes as Record<string, string>;
        storeCheck(out, entry);
      }
      return hashes;
    },
  };
}

function refuse(found: Finding[], name: string, warnings: string[] = []): Prepared {
  return { ok: false, errors: found.map((f) => `${name}: ${formatFinding(f, false)}`), warnings };
}

/**
 * A model as `compose config` printed it, with each string as compose will use it: `config` escapes
 * every literal `$` as `$$` (so that reading the printed model back interpolates nothing), and the
 * written model is read back that way when it runs. A bind source `./x$${Y}` is the directory
 * `x${Y}`: checked as printed, a symlink `x${Y}` -> / would pass. (v2's JSON; v1's YAML escapes too.)
 */
export function literal<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$\$/g, '$') as T;
  if (Array.isArray(value)) return value.map(literal) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [literal(k), literal(v)])) as T;
  return value;
}

/** The final model must keep what the rewrite set: every service on host networking. */
function hostNetworking(model: Obj): Finding[] {
  return Object.entries((model.services as Obj | undefined) ?? {})
    .filter(([, s]) => (s as Obj).network_mode !== 'host')
    .map(([name]) => ({ service: name, setting: `services.${name}.network_mode`, problem: 'is not host networking in the model compose would run', fix: 'report this: the rewrite did not hold' }));
}

function dedupe(found: Finding[]): Finding[] {
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(`${f.setting}\n${f.problem}`) && Boolean(seen.add(`${f.setting}\n${f.problem}`)));
}

/**
 * The models last run in this repo (every project's, this one's previous too): their containers may
 * still run (orphans are not removed), so their writable binds count for the nested-bind check. Of
 * this project's previous model, the services the new model also has are left out: compose
 * recreates them (the old container is stopped first) or keeps them as the new model says.
 */
function recordedModels(out: string, next: Obj): Obj[] {
  const dir = dirname(out);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yml'));
  } catch {
    return [];
  }
  const staying = new Set(Object.keys((next.services as Obj | undefined) ?? {}));
  return names.flatMap((n) => {
    try {
      const model = parse(readFileSync(join(dir, n), 'utf8'), { logLevel: 'error' }) as unknown;
      if (!model || typeof model !== 'object') return [];
      if (join(dir, n) !== out) return [model as Obj];
      const services = Object.fromEntries(Object.entries(((model as Obj).services as Obj | undefined) ?? {}).filter(([name]) => !staying.has(name)));
      return [{ ...(model as Obj), services }];
    } catch {
      return [];
    }
  });
}

/** Service names of the raw file, for `{SERVICE}_IP` before compose interpolates (best effort). */
function rawServices(file: string): string[] {
  try {
    const model = parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: 1000, logLevel: 'error' }) as Obj | null;
    return Object.keys((model?.services as Obj | undefined) ?? {});
  } catch {
    return [];
  }
}

function ipEnv(services: string[], networkId: number, slots: Slots): Record<string, string> {
  return rewriteCompose({ services: Object.fromEntries(services.map((s) => [s, {}])) }, networkId, slots).env;
}

/** realpath, also for a path that does not exist yet (compose creates bind sources): its nearest existing parent's. */
export function realpathLoose(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realpathLoose(parent), basename(path));
  }
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The environment compose runs with: no COMPOSE_* (a variable must not pick other files or a
 * project), and not the lifecycle session's token (compose would hand it to any container that
 * interpolates it). Every compose call goes through this, checked or not.
 */
export function composeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('COMPOSE_') && k !== SESSION_VARIABLE));
}
