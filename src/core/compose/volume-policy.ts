import { outsideReason, type PathScope } from './host-paths.js';
import type { Finding, ModelInfo } from './service-policy.js';

type Obj = Record<string, unknown>;

/** Bind propagation that keeps the container's later mounts away from the host. */
const PRIVATE_PROPAGATION = new Set(['private', 'rprivate']);

/**
 * A service's `volumes`: binds must resolve inside the repo's mount (after symlinks), named
 * volumes must be declared (their options are checked at the top level), tmpfs and image volumes
 * are fine, other types are refused. Short (`src:dst[:mode]`, compose v1's output) and long syntax. Pure.
 */
export function checkServiceVolumes(service: string, volumes: unknown, model: ModelInfo, scope: PathScope): Finding[] {
  const found: Finding[] = [];
  (Array.isArray(volumes) ? volumes : []).forEach((raw, i) => {
    const setting = `services.${service}.volumes[${i}]`;
    const add = (problem: string, fix: string) => found.push({ service, setting, problem, fix });
    const v = typeof raw === 'string' ? shortVolume(raw) : (raw as Obj) ?? {};
    const type = String(v.type ?? 'volume');
    if (type === 'bind') {
      const source = String(v.source ?? '');
      const why = outsideReason(source, scope, true);
      if (why) add(why, 'bind a directory inside the repo, e.g. ./data:/data');
      const propagation = (v.bind as Obj | undefined)?.propagation;
      if (propagation !== undefined && !PRIVATE_PROPAGATION.has(String(propagation))) add(`bind propagation ${String(propagation)} shares mounts with the host`, 'remove it (private is the default)');
    } else if (type === 'volume') {
      if (v.source !== undefined && v.source !== '' && !model.volumes.has(String(v.source))) add(`volume ${String(v.source)} is not declared under the top-level volumes`, 'declare it, without driver options');
    } else if (type !== 'tmpfs' && type !== 'image') {
      add(`a ${type} mount reaches outside the repo`, 'use a bind inside the repo, a named volume or tmpfs');
    }
  });
  return found;
}

/** `src:dst[:mode]` as the long form: a source starting with `/`, `.` or `~` is a bind, else a named volume. */
function shortVolume(spec: string): Obj {
  const parts = spec.split(':');
  if (parts.length === 1) return { type: 'volume', target: parts[0] };
  const source = parts[0] as string;
  const mode = parts.slice(2).join(':').split(',');
  const propagation = mode.find((m) => /^r?(shared|slave|private)$/.test(m));
  if (/^[/.~]/.test(source)) return { type: 'bind', source, bind: propagation ? { propagation } : undefined };
  return { type: 'volume', source };
}

/**
 * Top-level `volumes`, `secrets` and `configs`. A named volume may have no driver but the local
 * one and no driver options: `{o: bind, device: /}`, `type: none`, NFS or a block device would
 * all mount something of the host. Secrets and configs read from files inside the repo only.
 */
export function checkTopLevel(model: Obj, scope: PathScope): Finding[] {
  const found: Finding[] = [];
  for (const [name, raw] of Object.entries(asObj(model.volumes))) {
    const v = asObj(raw);
    if (v.driver !== undefined && v.driver !== 'local') found.push({ setting: `volumes.${name}.driver`, problem: `${String(v.driver)} volumes are not kept inside the repo`, fix: 'remove it (the local driver is the default)' });
    if (v.driver_opts !== undefined && Object.keys(asObj(v.driver_opts)).length) found.push({ setting: `volumes.${name}.driver_opts`, problem: 'driver options mount host paths or devices (o: bind, device, type)', fix: 'remove them; for a host directory use a bind inside the repo, e.g. ./data:/data' });
  }
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [name, raw] of Object.entries(asObj(model[kind]))) {
      const v = asObj(raw);
      if (typeof v.file === 'string') {
        const why = outsideReason(v.file, scope, false);
        if (why) found.push({ setting: `${kind}.${name}.file`, problem: why, fix: 'keep the file inside the repo' });
      }
      for (const key of ['driver', 'driver_opts', 'template_driver']) {
        if (v[key] !== undefined) found.push({ setting: `${kind}.${name}.${key}`, problem: 'runs a plugin outside the repo', fix: 'remove it' });
      }
    }
  }
  return found;
}

export function asObj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}
