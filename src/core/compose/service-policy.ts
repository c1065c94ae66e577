import { ALLOWED_CAPS, ALLOWED_LOG_DRIVERS, ALLOWED_SECURITY_OPT, ALLOWED_SYSCTL, PLAIN_SERVICE_KEYS, PRIVATE_IPC } from './allowed.js';
import { isRemoteContext, outsideReason, type PathScope } from './host-paths.js';
import { checkServiceVolumes } from './volume-policy.js';

type Obj = Record<string, unknown>;

/** One refused setting: where it is in the compose model, why, and what to do instead. */
export interface Finding {
  service?: string;
  setting: string;
  problem: string;
  fix: string;
  /** Not a policy matter (the file is broken): --unsafe would not help, so it is not suggested. */
  notPolicy?: boolean;
}

export interface ModelInfo {
  services: Set<string>;
  volumes: Set<string>;
}

const REMOVE = 'remove it';

/** Every refused setting of one service of a compose model (canonical, or raw for the local pre-check). Pure. */
export function checkService(name: string, service: Obj, model: ModelInfo, scope: PathScope): Finding[] {
  const found: Finding[] = [];
  const at = `services.${name}`;
  const add = (key: string, problem: string, fix = REMOVE) => found.push({ service: name, setting: `${at}.${key}`, problem, fix });
  for (const [key, value] of Object.entries(service)) {
    if (PLAIN_SERVICE_KEYS.has(key) || key.startsWith('x-') || value === undefined || value === null) continue;
    switch (key) {
      case 'privileged': if (isTrue(value)) add(key, 'gives the container full root on the host'); break;
      case 'use_api_socket': if (isTrue(value)) add(key, 'mounts a Docker API socket: control of every container'); break;
      case 'oom_kill_disable': if (isTrue(value)) add(key, 'lets one container exhaust the host\'s memory'); break;
      case 'oom_score_adj': if (!(Number(value) >= 0)) add(key, `${String(value)} makes the host kill other processes first`, 'use 0 or more'); break;
      case 'pid': if (!sharesService(value, model)) add(key, `${show(value)} shares a namespace outside the repo`, 'remove it, or use service:NAME of this repo'); break;
      case 'ipc': if (!PRIVATE_IPC.has(String(value)) && !sharesService(value, model)) add(key, `${show(value)} shares the host's IPC namespace`, 'remove it, or use private, shareable or service:NAME'); break;
      case 'network_mode': if (value !== 'host') add(key, `${show(value)}: repos run on host networking at their own loopback addresses`); break;
      case 'userns_mode': case 'uts': case 'cgroup_parent': case 'runtime': case 'isolation': case 'credential_spec':
        add(key, `${show(value)} changes how the host isolates the container`); break;
      case 'cgroup': if (value !== 'private') add(key, `${show(value)} shares the host's cgroup namespace`, 'remove it, or use private'); break;
      case 'devices': case 'device_cgroup_rules': case 'gpus': add(key, 'gives the container host devices'); break;
      case 'provider': add(key, 'runs a program on the host instead of a container'); break;
      case 'models': add(key, 'starts a model runner outside the repo'); break;
      case 'cap_add': asList(value).forEach((cap, i) => {
        if (!ALLOWED_CAPS.has(cap.toUpperCase().replace(/^CAP_/, ''))) add(`${key}[${i}]`, `${show(cap)} acts on the host (allowed: ${[...ALLOWED_CAPS].join(', ')})`);
      }); break;
      case 'security_opt': asList(value).forEach((opt, i) => {
        if (!ALLOWED_SECURITY_OPT.test(opt)) add(`${key}[${i}]`, `${show(opt)} loosens the container's confinement (allowed: no-new-privileges:true)`);
      }); break;
      case 'sysctls': for (const [k, v] of pairs(value)) {
        if (!ALLOWED_SYSCTL.test(k)) add(`${key}.${k}`, `${show(`${k}=${v}`)} is not a sysctl of the container's own IPC namespace (net.* would be the host's)`);
      } break;
      case 'logging': {
        const driver = (value as Obj).driver;
        if (driver !== undefined && !ALLOWED_LOG_DRIVERS.has(String(driver))) add(`${key}.driver`, `${show(driver)} sends logs outside the repo (allowed: ${[...ALLOWED_LOG_DRIVERS].join(', ')})`);
        break;
      }
      case 'volumes': found.push(...checkServiceVolumes(name, value, model, scope)); break;
      case 'volumes_from': asList(value).forEach((ref, i) => {
        const target = ref.replace(/^service:/, '').split(':')[0] as string;
        if (ref.startsWith('container:') || !model.services.has(target)) add(`${key}[${i}]`, `${show(ref)} is not a service of this compose file`, 'use service:NAME of this repo');
      }); break;
      case 'env_file': case 'label_file': filesOf(value).forEach((file, i) => {
        const why = outsideReason(file, scope, false);
        if (why) add(`${key}[${i}]`, why, 'keep the file inside the repo');
      }); break;
      case 'extends': break; // resolved by compose; the files it reads are checked before (file-refs.ts)
      case 'build': found.push(...checkBuild(value, scope).map((f) => ({ ...f, service: name, setting: `${at}.build${f.setting}` }))); break;
      case 'deploy': {
        const devices = ((((value as Obj).resources as Obj | undefined)?.reservations as Obj | undefined)?.devices);
        if (devices !== undefined) add('deploy.resources.reservations.devices', 'gives the container host devices');
        break;
      }
      case 'post_start': case 'pre_stop': asArray(value).forEach((hook, i) => {
        if (isTrue((hook as Obj)?.privileged)) add(`${key}[${i}].privileged`, 'runs the hook with full root on the host');
      }); break;
      case 'develop': asArray((value as Obj).watch).forEach((w, i) => {
        const why = typeof (w as Obj)?.path === 'string' ? outsideReason((w as Obj).path as string, scope, false) : undefined;
        if (why) add(`develop.watch[${i}].path`, why, 'watch a directory inside the repo');
      }); break;
      default: add(key, 'is not a setting a repo may use (rdc allows only what cannot reach the host)');
    }
  }
  return found;
}

function checkBuild(value: unknown, scope: PathScope): Omit<Finding, 'service'>[] {
  const found: Omit<Finding, 'service'>[] = [];
  const build: Obj = typeof value === 'string' ? { context: value } : (value as Obj);
  const path = (setting: string, p: unknown) => {
    const why = typeof p === 'string' && !isRemoteContext(p) && !p.startsWith('docker-image://') ? outsideReason(p, scope, false) : undefined;
    if (why) found.push({ setting, problem: why, fix: 'build from a directory inside the repo' });
  };
  for (const key of Object.keys(build)) {
    if (!BUILD_KEYS.has(key) && !key.startsWith('x-')) found.push({ setting: `.${key}`, problem: 'is not a build setting a repo may use (rdc allows only what cannot reach the host)', fix: REMOVE });
  }
  path('.context', build.context);
  const context = typeof build.context === 'string' && !isRemoteContext(build.context) ? build.context : scope.baseDir;
  if (typeof build.dockerfile === 'string') path('.dockerfile', resolveIn(context, build.dockerfile, scope));
  for (const [k, v] of pairs(build.additional_contexts)) path(`.additional_contexts.${k}`, v);
  if (build.ssh !== undefined) found.push({ setting: '.ssh', problem: 'forwards the server\'s SSH agent or keys into the build', fix: REMOVE });
  if (isTrue(build.privileged)) found.push({ setting: '.privileged', problem: 'builds with full root on the host', fix: REMOVE });
  if (build.entitlements !== undefined) found.push({ setting: '.entitlements', problem: 'grants the build host privileges', fix: REMOVE });
  if (build.cache_to !== undefined) found.push({ setting: '.cache_to', problem: 'exports the build cache to a host path or registry', fix: REMOVE });
  asList(build.cache_from).forEach((c, i) => {
    if (/type=local/.test(c)) found.push({ setting: `.cache_from[${i}]`, problem: `${show(c)} reads a host directory`, fix: REMOVE });
  });
  return found;
}

/** `build` keys: deny by default like the service's own (the risky ones among them are checked above). */
const BUILD_KEYS = new Set([
  'context', 'dockerfile', 'dockerfile_inline', 'args', 'ssh', 'cache_from', 'cache_to', 'additional_contexts', 'entitlements',
  'extra_hosts', 'isolation', 'privileged', 'labels', 'no_cache', 'pull', 'network', 'shm_size', 'target', 'secrets', 'tags',
  'ulimits', 'platforms', 'provenance', 'sbom',
]);

function resolveIn(context: string, file: string, scope: PathScope): string {
  return file.startsWith('/') ? file : `${context.startsWith('/') ? context : `${scope.baseDir}/${context}`}/${file}`;
}

function sharesService(value: unknown, model: ModelInfo): boolean {
  const m = /^service:(.+)$/.exec(String(value));
  return Boolean(m && model.services.has(m[1] as string));
}

function isTrue(v: unknown): boolean {
  return v === true || /^(true|yes|on|1)$/i.test(String(v));
}

export function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)];
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A mapping (`{a: 1}`) or a list (`["a=1"]`) as key/value pairs. */
function pairs(v: unknown): [string, string][] {
  if (Array.isArray(v)) return v.map(String).map((s) => { const i = s.indexOf('='); return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)]; });
  return v && typeof v === 'object' ? Object.entries(v as Obj).map(([k, x]) => [k, String(x)]) : [];
}

/** env_file / label_file: a path, a list of paths, or `{path, required}` entries. */
function filesOf(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map((e) => (e && typeof e === 'object' ? (e as Obj).path : e)).filter((p): p is string => typeof p === 'string');
}

export function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
