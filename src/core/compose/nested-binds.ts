import { posix } from 'node:path';
import type { PathScope } from './host-paths.js';
import type { Finding } from './service-policy.js';
import { asObj } from './volume-policy.js';

type Obj = Record<string, unknown>;

/** A host path a compose model makes Docker or compose resolve (a bind source, a secret file, a build context or Dockerfile, a watched path). */
export interface HostPath {
  real: string;
  setting: string;
  service?: string;
  /** A writable bind: its container can create, delete and swap anything below it (symlinks too). */
  writable: boolean;
}

/**
 * Docker resolves a bind source (and compose a secret file or build context) on the host, following
 * symlinks, every time the container is created or restarted. A path strictly below a writable bind
 * of any container of the repo can be swapped by that container, after the check, for a symlink to
 * `/` (`ln -s / data/x`, then `./data/x/etc` binds the host's /etc): the check cannot hold for it.
 * So no host path may lie strictly below a writable bind — in this model, or between this model and
 * the models last run by the repo (`others`: their containers still run). Read-only binds are fine.
 * Pure (realpath comes from the scope).
 */
export function checkNestedBinds(model: Obj, scope: PathScope, others: Obj[] = [], withinModel = true): Finding[] {
  const own = hostPaths(model, scope);
  const theirs = others.flatMap((m) => hostPaths(m, scope).map((p) => ({ ...p, setting: `${p.setting} (of a model the repo runs)` })));
  const found: Finding[] = [];
  const under = (inner: HostPath, outer: HostPath) => outer.writable && inner.real.startsWith(`${outer.real}/`);
  for (const p of own) {
    const outer = [...(withinModel ? own : []), ...theirs].find((o) => under(p, o));
    if (outer) found.push(finding(p, `${p.real} lies inside ${outer.real}, which ${outer.setting} binds writable: its container can swap a part of the path for a symlink out of the repo`));
    const inner = theirs.find((i) => under(i, p));
    if (inner) found.push(finding(p, `binds ${p.real} writable, and ${inner.setting} uses ${inner.real} inside it: this container could swap a part of that path for a symlink out of the repo`));
  }
  return found;
}

function finding(p: HostPath, problem: string): Finding {
  return { service: p.service, setting: p.setting, problem, fix: 'bind directories that do not contain one another (or make the outer bind read-only)' };
}

/** Every host path of a canonical (or raw) model, resolved from the scope's base directory, after symlinks. */
export function hostPaths(model: Obj, scope: PathScope): HostPath[] {
  const paths: HostPath[] = [];
  const add = (path: unknown, setting: string, service: string | undefined, writable: boolean) => {
    if (typeof path !== 'string' || path === '' || path.startsWith('~') || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('git@')) return;
    paths.push({ real: scope.realpath(posix.resolve(scope.baseDir, path)).replace(/\/+$/, '') || '/', setting, service, writable });
  };
  for (const [name, raw] of Object.entries(asObj(model.services))) {
    const s = asObj(raw);
    (Array.isArray(s.volumes) ? s.volumes : []).forEach((v, i) => {
      const at = `services.${name}.volumes[${i}]`;
      if (typeof v === 'string') {
        const [source, , mode = ''] = v.split(':');
        if (/^[/.~]/.test(source ?? '') && v.includes(':')) add(source, at, name, !mode.split(',').includes('ro'));
        return;
      }
      const o = asObj(v);
      if (o.type === 'bind') add(o.source, at, name, !(o.read_only === true || o.read_only === 'true'));
    });
    const build = typeof s.build === 'string' ? { context: s.build } : asObj(s.build);
    add(build.context, `services.${name}.build.context`, name, false);
    const context = typeof build.context === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(build.context) ? posix.resolve(scope.baseDir, build.context) : scope.baseDir;
    if (typeof build.dockerfile === 'string') add(posix.resolve(context, build.dockerfile), `services.${name}.build.dockerfile`, name, false);
    const watch = asObj(s.develop).watch;
    (Array.isArray(watch) ? watch : []).forEach((w, i) => add(asObj(w).path, `services.${name}.develop.watch[${i}].path`, name, false));
    for (const [k, c] of Object.entries(asObj(build.additional_contexts))) add(c, `services.${name}.build.additional_contexts.${k}`, name, false);
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [name, raw] of Object.entries(asObj(model[kind]))) add(asObj(raw).file, `${kind}.${name}.file`, undefined, false);
  }
  return paths;
}
