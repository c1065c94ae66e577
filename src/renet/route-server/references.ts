import { isIP } from 'node:net';
import { ipBelongsTo } from '../../core/infra/network.js';
import type { Section } from './decode-labels.js';
import type { KeyNode } from './key-tree.js';
import type { Obj } from './model.js';
import { TRAEFIK_KEYS } from './traefik-keys.generated.js';

/**
 * What a string option of Traefik's dynamic config points at. Every option of the generated key tree
 * that can name something outside the container (another object, a file or an address on the
 * proxy's host, an ACME certificate, a cookie scope) has a role here; a unit test walks the whole
 * tree so that a new reference-like option cannot pass as plain text.
 */
export type FieldRole =
  | 'service' | 'middleware' | 'tls-options' | 'cert-resolver' | 'servers-transport'
  | 'own-url' | 'own-address' | 'proxy-host-file' | 'plugin'
  | 'rule' | 'rule-syntax' | 'entrypoint' | 'backend' | 'cert-domain' | 'cookie-domain';

/** `{section}.{kind}.{path}` with `[]` for list items; `plugin` covers everything below it. */
const ROLES: Record<string, FieldRole> = {};
const set = (role: FieldRole, ...paths: string[]) => paths.forEach((p) => (ROLES[p] = role));
set('service', 'http.routers.service', 'tcp.routers.service', 'udp.routers.service', 'http.middlewares.errors.service',
  'http.services.failover.service', 'http.services.failover.fallback', 'http.services.highestRandomWeight.services[].name',
  'http.services.mirroring.service', 'http.services.mirroring.mirrors[].name',
  'http.services.weighted.services[].name', 'tcp.services.weighted.services[].name', 'udp.services.weighted.services[].name');
set('middleware', 'http.routers.middlewares[]', 'tcp.routers.middlewares[]', 'http.middlewares.chain.middlewares[]');
set('tls-options', 'http.routers.tls.options', 'tcp.routers.tls.options');
set('cert-resolver', 'http.routers.tls.certResolver', 'tcp.routers.tls.certResolver');
set('cert-domain', 'http.routers.tls.domains[].main', 'http.routers.tls.domains[].sans[]', 'tcp.routers.tls.domains[].main', 'tcp.routers.tls.domains[].sans[]');
set('servers-transport', 'http.services.loadBalancer.serversTransport', 'tcp.services.loadBalancer.serversTransport');
set('own-url', 'http.middlewares.forwardAuth.address');
set('own-address', 'http.middlewares.rateLimit.redis.endpoints[]');
set('proxy-host-file', 'http.middlewares.basicAuth.usersFile', 'http.middlewares.digestAuth.usersFile',
  'http.middlewares.forwardAuth.tls.ca', 'http.middlewares.forwardAuth.tls.cert', 'http.middlewares.forwardAuth.tls.key',
  'http.middlewares.rateLimit.redis.tls.ca', 'http.middlewares.rateLimit.redis.tls.cert', 'http.middlewares.rateLimit.redis.tls.key');
set('rule', 'http.routers.rule', 'tcp.routers.rule');
set('rule-syntax', 'http.routers.ruleSyntax', 'tcp.routers.ruleSyntax');
set('entrypoint', 'http.routers.entryPoints[]', 'tcp.routers.entryPoints[]', 'udp.routers.entryPoints[]');
set('backend', 'http.services.loadBalancer.servers[].url', 'tcp.services.loadBalancer.servers[].address', 'udp.services.loadBalancer.servers[].address');
set('cookie-domain', 'http.services.loadBalancer.sticky.cookie.domain', 'http.services.weighted.sticky.cookie.domain');

export function fieldRole(path: string): FieldRole | undefined {
  if (/^http\.middlewares\.plugin(\.|$)/.test(path)) return 'plugin';
  return ROLES[path];
}

/** Calls `visit` for every string leaf (list items included) with its role path and a setter. */
export function walkLeaves(value: unknown, node: KeyNode, path: string, visit: (path: string, value: string, replace: (v: string) => void) => void, replace: (v: string) => void = () => {}): void {
  if (typeof value === 'string') return visit(path, value, replace);
  if (typeof node !== 'object') return;
  if ('list' in node && Array.isArray(value)) value.forEach((item, i) => walkLeaves(item, node.list, `${path}[]`, visit, (v) => (value[i] = v)));
  else if ('map' in node && isObj(value)) for (const k of Object.keys(value)) walkLeaves(value[k], node.map, path, visit, (v) => (value[k] = v));
  else if ('fields' in node && isObj(value)) {
    for (const k of Object.keys(value)) walkLeaves(value[k], node.fields[k] ?? 'string', `${path}.${k}`, visit, (v) => (value[k] = v));
  }
}

export interface RefContext {
  networkId: number;
  prefix: string;
  /** Names this container defines, per section and kind (before namespacing). */
  defined: Record<Section, { services: Set<string>; middlewares: Set<string> }>;
  fileMiddlewares: string[];
}

/**
 * Checks every reference of a container's decoded labels and rewrites the container's own names to
 * their namespaced form, in place. A reference may name only what this container defines or the
 * machine's defaults (`name@file`); addresses must be the repo's own loopback addresses.
 */
export function resolveReferences(config: Record<Section, Record<'routers' | 'services' | 'middlewares', Record<string, Obj>>>, ctx: RefContext): string[] {
  const errors: string[] = [];
  for (const section of ['http', 'tcp', 'udp'] as const) {
    for (const kind of ['routers', 'services', 'middlewares'] as const) {
      const tree = TRAEFIK_KEYS[`${section}.${kind}`];
      if (!tree) continue;
      for (const [name, entry] of Object.entries(config[section][kind])) {
        walkLeaves(entry, tree, `${section}.${kind}`, (path, value, replace) => {
          const where = `traefik.${section}.${kind}.${name}${path.slice(`${section}.${kind}`.length).replace(/\[\]/g, '')}`;
          const problem = checkLeaf(fieldRole(path), section, value, replace, ctx);
          if (problem) errors.push(`${where}: ${problem}`);
        });
      }
    }
  }
  return errors;
}

function checkLeaf(role: FieldRole | undefined, section: Section, value: string, replace: (v: string) => void, ctx: RefContext): string | undefined {
  const ownIp = `127.x.y.z addresses of repo ${ctx.networkId} (its containers' {SERVICE}_IP)`;
  switch (role) {
    case 'service':
    case 'middleware': {
      const kind = role === 'service' ? 'services' : 'middlewares';
      if (value.includes('@')) {
        if (role === 'middleware' && value.endsWith('@file') && ctx.fileMiddlewares.includes(value.slice(0, -5))) return undefined;
        const file = role === 'middleware' ? ` or the machine's ${ctx.fileMiddlewares.map((m) => `${m}@file`).join(', ')}` : '';
        return `"${value}" belongs to another provider; a repo may only use the ${kind} its own labels define${file}`;
      }
      if (!ctx.defined[section][kind].has(value)) {
        const file = role === 'middleware' ? `, or use ${ctx.fileMiddlewares.map((m) => `${m}@file`).join(', ')}` : '';
        return `${role} "${value}" is not defined by this container's labels (define traefik.${section}.${kind}.${value}.…${file})`;
      }
      replace(ctx.prefix + value);
      return undefined;
    }
    case 'tls-options':
      return value === 'default' || value === 'default@file' ? undefined : `TLS options "${value}" are not available; labels cannot define TLS options, use "default" (the machine's TLS 1.2+ defaults)`;
    case 'servers-transport':
      return `"${value}": servers transports cannot be set from labels (they would reach outside the repo); remove it`;
    case 'proxy-host-file':
      return 'names a file on the proxy\'s host, which a repo may not read; give the value inline instead (e.g. basicauth.users)';
    case 'plugin':
      return 'plugins are not enabled on this machine';
    case 'rule-syntax':
      return value === 'v3' ? undefined : `"${value}": only the v3 rule syntax is supported; remove ruleSyntax`;
    case 'own-url': {
      const url = safeUrl(value);
      if (!url || !/^https?:$/.test(url.protocol) || !ipBelongsTo(url.hostname, ctx.networkId)) return `"${value}" is not this repo's own address; forwardAuth may only call the ${ownIp}, e.g. http://{ip}:PORT/auth`;
      return undefined;
    }
    case 'own-address': {
      const m = /^([0-9.]+):([0-9]{1,5})$/.exec(value);
      if (!m || isIP(m[1] as string) !== 4 || !ipBelongsTo(m[1] as string, ctx.networkId)) return `"${value}" is not this repo's own address; use one of the ${ownIp} as IP:PORT`;
      return undefined;
    }
    default:
      // Rules, entrypoints, resolvers, cert and cookie domains are checked once the hosts are known (pinning.ts).
      return undefined;
  }
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
