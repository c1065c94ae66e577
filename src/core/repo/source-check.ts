import { posix } from 'node:path';
import { parseDocument } from 'yaml';
import { checkFileRefs, yamlMessage } from '../compose/file-refs.js';
import { COMPOSE_FILES } from '../compose/files.js';
import { interpolate, parseDotEnv } from '../compose/interpolate.js';
import { checkComposeModel, formatFinding } from '../compose/policy.js';
import { ipVariable, rewriteCompose, type Slots } from '../compose/rewrite.js';
import type { Problem } from '../errors.js';
import { FIRST_NETWORK_ID } from '../infra/network.js';
import { rediaccDirs } from './lifecycle-plan.js';

type Obj = Record<string, unknown>;

export interface SourceCheckOptions {
  /** The source directory's absolute path (messages name host paths as the user knows them). */
  root?: string;
  /** `rdc repo up --unsafe`: the compose policy is not applied. Never read from a file. */
  unsafe?: boolean;
}

/**
 * Checks a repo's source before anything leaves the workstation (pure): a Rediaccfile exists, every
 * Rediaccfile that runs `renet compose` has a compose file beside it, each compose file parses and
 * passes the compose policy and renet compose's rewrite (service names, the 61-service limit across
 * the whole repo). Fast feedback only: the server checks the model compose really runs
 * (`docker compose config`), which is the authority. `read` gives the text of a listed file.
 */
export function checkSource(paths: string[], read: (path: string) => string, opts: SourceCheckOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const dirs = rediaccDirs(paths);
  if (!dirs.length) {
    return [{ where: 'Rediaccfile', message: 'no Rediaccfile at the root of the source or in a first-level subdirectory; add one defining prep(), up() and down()' }];
  }
  const root = (opts.root ?? '/source').replace(/\/+$/, '') || '/';
  const listed = new Set(paths);
  const readAbs = (abs: string) => {
    const rel = posix.relative(root, abs);
    return listed.has(rel) ? read(rel) : undefined;
  };
  let slots: Slots = { services: {} };
  for (const dir of dirs) {
    const at = (name: string) => (dir ? `${dir}/${name}` : name);
    if (!/\brenet\s+compose\b/.test(read(at('Rediaccfile')))) continue;
    const composePath = COMPOSE_FILES.map(at).find((p) => listed.has(p));
    if (!composePath) {
      problems.push({ where: at('Rediaccfile'), message: `runs renet compose, but ${dir ? `${dir}/` : 'the root'} has no compose file (${COMPOSE_FILES.join(', ')})` });
      continue;
    }
    const doc = parseDocument(read(composePath), { prettyErrors: false, merge: true, logLevel: 'error' });
    if (doc.errors.length) {
      const e = doc.errors[0];
      problems.push({ where: composePath, message: `does not parse: ${yamlMessage((e?.message ?? 'invalid YAML').split('\n')[0] ?? '')}` });
      continue;
    }
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      problems.push({ where: composePath, message: /call stack size/i.test((err as Error).message) ? `does not parse: ${yamlMessage((err as Error).message)}` : 'expands too many YAML aliases' });
      continue;
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ where: composePath, message: 'is not a compose file: expected a mapping with services' });
      continue;
    }
    const baseDir = posix.join(root, dir);
    if (!opts.unsafe) {
      const refs = checkFileRefs(posix.join(root, composePath), { mount: root, realpath: (p) => p }, readAbs);
      const vars = { ...parseDotEnv(listed.has(at('.env')) ? read(at('.env')) : ''), ...ipVars(raw as Obj) };
      const model = withExtends(interpolateAll(raw, vars) as Obj, (file) => readAbs(posix.resolve(baseDir, file)), vars);
      const findings = [...refs, ...checkComposeModel(model, { mount: root, baseDir, realpath: (p) => p })];
      for (const f of findings) problems.push({ where: composePath, message: formatFinding(f, false) });
    }
    const result = rewriteCompose(raw as Obj, FIRST_NETWORK_ID, slots);
    for (const message of result.errors) problems.push({ where: composePath, message });
    slots = result.slots;
  }
  return problems;
}

/** Every `{SERVICE}_IP` set to some address, as renet sets them, so they interpolate as on the server. */
function ipVars(model: Obj): Record<string, string> {
  const services = Object.keys((model.services as Obj | undefined) ?? {});
  return Object.fromEntries(services.map((s) => [ipVariable(s), '127.0.11.2']));
}

function interpolateAll(v: unknown, vars: Record<string, string>): unknown {
  if (typeof v === 'string') return interpolate(v, vars);
  if (Array.isArray(v)) return v.map((x) => interpolateAll(x, vars));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolateAll(x, vars)]));
  return v;
}

/** `extends:` resolved the simple way (the base service's settings under the service's own). */
function withExtends(model: Obj, readFile: (file: string) => string | undefined, vars: Record<string, string>): Obj {
  const services = { ...((model.services as Obj | undefined) ?? {}) };
  for (const [name, raw] of Object.entries(services)) {
    const ext = (raw as Obj | null)?.extends as Obj | string | undefined;
    if (!ext) continue;
    const base = typeof ext === 'string' ? { service: ext } : ext;
    let from: Obj | undefined = services;
    if (typeof base.file === 'string') {
      from = undefined;
      try {
        const text = readFile(base.file);
        const other = text === undefined ? undefined : parseDocument(text, { merge: true, logLevel: 'error' }).toJS({ maxAliasCount: 1000 }) as Obj | undefined;
        from = interpolateAll(other?.services, vars) as Obj | undefined;
      } catch {
        // An alias bomb or a file nested too deeply: checkFileRefs reports the file itself.
      }
    }
    const parent = from?.[String(base.service)];
    if (parent && typeof parent === 'object') services[name] = { ...(parent as Obj), ...(raw as Obj) };
  }
  return { ...model, services };
}
