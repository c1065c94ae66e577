import { goDurationNs } from '../../core/util/go-duration.js';
import { findField, type KeyNode } from './key-tree.js';
import { LIMITS } from './limits.js';
import { TRAEFIK_KEYS } from './traefik-keys.generated.js';

export type Section = 'http' | 'tcp' | 'udp';
type Kind = 'routers' | 'services' | 'middlewares';
type Obj = Record<string, unknown>;

/** `loadbalancer.server.port|scheme`: the label-only shorthand for a service's single server. */
export interface ServerHint {
  port?: number;
  scheme?: string;
}

export interface DecodedLabels {
  /** Dynamic config in canonical form, names as written in the labels (not yet namespaced). */
  config: Record<Section, Record<Kind, Record<string, Obj>>>;
  /** Per section and service name: the server port/scheme the labels asked for. */
  servers: Record<Section, Record<string, ServerHint>>;
  errors: string[];
}

const SECTIONS: Section[] = ['http', 'tcp', 'udp'];
/**
 * Characters Traefik's decoder refuses raw (it reads /routes.json as YAML: control characters,
 * U+FFFE/U+FFFF, lone surrogates), which would make it drop the whole config; C0 controls too,
 * though JSON escapes them, since no routing value needs them (CR/LF would split headers).
 */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const KINDS: Kind[] = ['routers', 'services', 'middlewares'];
/** Labels under traefik.* that are not routing config and carry no meaning without Traefik's Docker provider. */
const IGNORED = new Set(['traefik.enable', 'traefik.docker.network', 'traefik.docker.allownonrunning', 'traefik.tags']);

/**
 * Decodes a container's `traefik.http|tcp|udp.*` labels the way Traefik's label parser does:
 * keys case-insensitive, values typed by the option they set, lists comma-separated, `[n]` for list
 * items. Backends cannot be set here (`servers`): they are always the container's own loopback IP.
 */
export function decodeTraefikLabels(labels: Record<string, string>): DecodedLabels {
  const out: DecodedLabels = {
    config: { http: emptyKinds(), tcp: emptyKinds(), udp: emptyKinds() },
    servers: { http: names(), tcp: names(), udp: names() },
    errors: [],
  };
  const keys = Object.keys(labels).filter((k) => k.toLowerCase().startsWith('traefik.')).sort();
  // Over a bound nothing is decoded: the container is skipped, and a huge label costs no more work.
  if (keys.length > LIMITS.labels) out.errors.push(`${keys.length} traefik.* labels; the limit is ${LIMITS.labels} per container`);
  for (const key of keys) {
    const value = labels[key] as string;
    if (key.length > LIMITS.keyLength) out.errors.push(`${key.slice(0, 64)}…: the label key has ${key.length} characters; the limit is ${LIMITS.keyLength}`);
    else if (value.length > LIMITS.valueLength) out.errors.push(`${key}: the value has ${value.length} characters; the limit is ${LIMITS.valueLength}`);
    else if (UNPRINTABLE.test(key) || UNPRINTABLE.test(value)) {
      const bad = (UNPRINTABLE.exec(key) ?? UNPRINTABLE.exec(value))?.[0].charCodeAt(0) ?? 0;
      const where = UNPRINTABLE.test(key) ? `${key.replace(new RegExp(UNPRINTABLE.source, 'g'), '?')}: the key` : `${key}: the value`;
      out.errors.push(`${where} holds a control character or invalid Unicode (U+${bad.toString(16).toUpperCase().padStart(4, '0')}); only printable text is allowed`);
    }
  }
  if (out.errors.length) return out;
  // Keys are case-insensitive (but for the name): two spellings of one option would leave one of
  // them silently unused, whichever sorts last.
  const spelled = new Map<string, string>();
  for (const key of keys) {
    const [, section = '', kind = '', name = '', ...path] = key.split('.');
    const option = [section.toLowerCase(), kind.toLowerCase(), name, ...path.map((p) => p.toLowerCase())].join('.');
    const first = spelled.get(option);
    if (first !== undefined) out.errors.push(`${key}: sets the same option as ${first} (label keys are case-insensitive); keep one`);
    else spelled.set(option, key);
  }
  if (out.errors.length) return out;
  for (const key of keys) {
    if (IGNORED.has(key.toLowerCase())) continue;
    const error = decodeOne(key, labels[key] as string, out);
    if (error) out.errors.push(`${key}: ${error}`);
  }
  for (const section of SECTIONS) {
    for (const kind of KINDS) {
      compact(out.config[section][kind]);
      const n = Object.keys(out.config[section][kind]).length;
      if (n > LIMITS.perKind) out.errors.push(`traefik.${section}.${kind}: ${n} defined; the limit is ${LIMITS.perKind} per container`);
    }
  }
  return out;
}

function decodeOne(key: string, value: string, out: DecodedLabels): string | undefined {
  const [, sectionRaw = '', kindRaw = '', name = '', ...path] = key.split('.');
  const section = SECTIONS.find((s) => s === sectionRaw.toLowerCase());
  const kind = KINDS.find((k) => k === kindRaw.toLowerCase());
  if (!section || !kind) return `not a routing label; expected traefik.{http|tcp|udp}.{routers|services|middlewares}.NAME.…`;
  if (name.includes('@')) return `the name "${name}" contains '@', which Traefik reserves for provider suffixes`;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return `the name "${name}" may only use letters, digits, '-' and '_'`;
  if (name.length > LIMITS.nameLength) return `the name "${name.slice(0, 20)}…" has ${name.length} characters; the limit is ${LIMITS.nameLength}`;
  const schema = TRAEFIK_KEYS[`${section}.${kind}`];
  if (!schema) return `${section} has no ${kind}`;
  if (path.length === 0) return 'the label names no option';

  if (kind === 'services' && path[0]?.toLowerCase() === 'loadbalancer' && path[1]?.toLowerCase() === 'server') {
    return serverHint(path.slice(2), value, (out.servers[section][name] ??= {}));
  }
  if (kind === 'services' && path[0]?.toLowerCase() === 'loadbalancer' && /^servers(\[[0-9]+\])?$/.test(path[1]?.toLowerCase() ?? '')) {
    return 'setting servers is not allowed: the backend is always the container\'s own IP; use loadbalancer.server.port';
  }
  const entry = (out.config[section][kind][name] ??= {});
  return setPath(entry, schema, path, value);
}

function serverHint(path: string[], value: string, hint: ServerHint): string | undefined {
  const field = path.join('.').toLowerCase();
  if (field === 'port') {
    if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 65535) return `"${value}" is not a port (a whole number 1-65535)`;
    hint.port = Number(value);
    return undefined;
  }
  if (field === 'scheme') {
    if (!['http', 'https', 'h2c'].includes(value)) return `"${value}" is not a scheme (http, https or h2c)`;
    hint.scheme = value;
    return undefined;
  }
  return `unknown key loadbalancer.server.${path.join('.')} (port and scheme are supported)`;
}

/** Walks `path` down the key tree, creating objects and list items, and stores the typed value. */
function setPath(target: Obj, node: KeyNode, path: string[], value: string): string | undefined {
  let obj: Obj | unknown[] = target;
  let shape: KeyNode = node;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string;
    const last = i === path.length - 1;
    if (typeof shape === 'object' && 'map' in shape) {
      if (!last) return `too many parts after the map key "${segment}"`;
      // Header names are tokens (RFC 9110); anything else would be a key Traefik or the client refuses.
      if (!/^[A-Za-z0-9!#$%&'*+^_`|~-]+$/.test(segment)) return `"${segment}" is not a header name (letters, digits and !#$%&'*+^_\`|~-)`;
      if (segment.length > LIMITS.mapKeyLength) return `the key "${segment.slice(0, 20)}…" has ${segment.length} characters; the limit is ${LIMITS.mapKeyLength}`;
      const typed = typedValue(shape.map, value);
      if (!typed.ok) return typed.error;
      (obj as Obj)[segment] = typed.value;
      return undefined;
    }
    const m = /^(.+?)(?:\[([0-9]+)\])?$/.exec(segment) as RegExpExecArray;
    const found = findField(shape, m[1] as string);
    if (!found) return `unknown option "${path.slice(0, i + 1).join('.')}"`;
    const [canonical, child] = found;
    const index = m[2] === undefined ? undefined : Number(m[2]);
    if (index !== undefined && index > LIMITS.listIndex) return `index [${m[2]}] is over the limit of ${LIMITS.listIndex}`;
    if (index !== undefined) {
      if (typeof child !== 'object' || !('list' in child) || typeof child.list !== 'object') return `"${canonical}" is not a list of objects`;
      const list = ((obj as Obj)[canonical] ??= []) as Obj[];
      list[index] ??= {};
      obj = list[index] as Obj;
      shape = child.list;
      if (last) return `"${segment}" needs an option after it`;
      continue;
    }
    if (last) {
      if (typeof child === 'object' && 'fields' in child) {
        // `tls=true` turns the section on with its defaults.
        if (value.toLowerCase() === 'true') (obj as Obj)[canonical] ??= {};
        else if (value.toLowerCase() !== 'false') return `"${value}" for "${canonical}" must be true or false`;
        return undefined;
      }
      const typed = typedValue(child, value);
      if (!typed.ok) return typed.error;
      (obj as Obj)[canonical] = typed.value;
      return undefined;
    }
    if (typeof child !== 'object' || 'list' in child) return `"${canonical}" takes a value, not sub-options`;
    obj = ((obj as Obj)[canonical] ??= 'map' in child ? names() : {}) as Obj;
    shape = child;
  }
  return undefined;
}

type Typed = { ok: true; value: unknown } | { ok: false; error: string };

/** A label value as the JSON type of the option it sets. */
function typedValue(shape: KeyNode, value: string): Typed {
  if (typeof shape === 'object' && 'list' in shape) {
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (items.length > LIMITS.listItems) return { ok: false, error: `${items.length} items; the limit is ${LIMITS.listItems}` };
    const typed = items.map((item) => typedValue(shape.list, item));
    const bad = typed.find((t) => !t.ok);
    return bad ?? { ok: true, value: typed.map((t) => (t as { value: unknown }).value) };
  }
  if (shape === 'number') {
    // Go ints: a fraction or an overflow would make Traefik refuse the whole config.
    const n = /^-?[0-9]{1,10}$/.test(value.trim()) ? Number(value) : NaN;
    return Math.abs(n) <= LIMITS.maxNumber ? { ok: true, value: n } : { ok: false, error: `"${value}" is not a whole number (up to ${LIMITS.maxNumber})` };
  }
  if (shape === 'duration') {
    const v = value.trim();
    return durationOk(v) ? { ok: true, value: v } : { ok: false, error: `"${value}" is not a duration of at most 10 years (e.g. 10s, 1m30s, 500ms, or a whole number of seconds)` };
  }
  if (shape === 'boolean') {
    const v = value.trim().toLowerCase();
    return v === 'true' || v === 'false' ? { ok: true, value: v === 'true' } : { ok: false, error: `"${value}" must be true or false` };
  }
  if (typeof shape === 'object') return { ok: false, error: 'expects sub-options, not a value' };
  return { ok: true, value };
}

/** Go's time.ParseDuration (or paerser's whole seconds), within a bound: an int64 overflow makes Traefik refuse the whole config. */
function durationOk(v: string): boolean {
  const max = 10 * 366 * 24 * 3600e9;
  if (/^[0-9]{1,9}$/.test(v)) return Number(v) * 1e9 <= max;
  const ns = goDurationNs(v);
  return ns !== undefined && ns <= max;
}

/** `domains[3]` alone leaves holes that JSON writes as null; Traefik wants whole items, in order. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined && v !== null).map(compact);
  if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) (value as Obj)[k] = compact(v);
  return value;
}

function emptyKinds(): Record<Kind, Record<string, Obj>> {
  return { routers: names(), services: names(), middlewares: names() };
}

/**
 * A map keyed by names a label chooses: no prototype, so `constructor`, `toString` or `__proto__`
 * are names like any other (on a plain object they found Object.prototype's members: the router
 * was dropped without a word and the label's options were written onto built-in functions).
 */
function names<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
