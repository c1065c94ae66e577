import type { Problem } from '../errors.js';
import { CIPHER_SUITES, CLIENT_AUTH_TYPES, CURVES, DYNAMIC_TOP_LEVEL_KEYS, PROVIDER_NAMES, TLS_VERSIONS } from './known.js';
import { entriesOf, isObj, Lint, type Obj } from './lint-util.js';
import { checkRule } from './rule.js';

export interface DynamicContext {
  /** The provider this config comes from (`file` or `http`): bare references resolve inside it. */
  provider: string;
  /** Entrypoints of the static config with their socket protocol; unchecked when absent. */
  entryPoints?: Map<string, 'tcp' | 'udp'>;
  certResolvers?: Set<string>;
  /** Names other providers define, by provider, for `name@provider` references. */
  external?: Record<string, { middlewares?: Set<string>; services?: Set<string> }>;
}

type Section = 'http' | 'tcp' | 'udp';

/**
 * Checks on a dynamic config (file provider or the route server's /routes.json) that the schema
 * misses: names, references that resolve, v3 rule syntax, TLS enums. Traefik would otherwise drop the
 * offending router at runtime with only a log line.
 */
export function lintTraefikDynamic(config: Obj, ctx: DynamicContext, sourceText?: string): Problem[] {
  const lint = new Lint();
  for (const key of Object.keys(config)) {
    if (!(DYNAMIC_TOP_LEVEL_KEYS as readonly string[]).includes(key)) lint.add(key, `unknown top-level key (known: ${DYNAMIC_TOP_LEVEL_KEYS.join(', ')})`);
  }
  if (ctx.provider === 'file' && sourceText?.includes('{{')) {
    lint.add('(file)', "contains '{{', which the file provider would run as a Go template");
  }
  const tlsOptions = new Set(['default', ...entriesOf(isObj(config.tls) ? config.tls.options : undefined).map(([n]) => n)]);
  for (const section of ['http', 'tcp', 'udp'] as const) {
    const sec = isObj(config[section]) ? (config[section] as Obj) : {};
    const services = new Set(entriesOf(sec.services).map(([n]) => n));
    const middlewares = new Set(entriesOf(sec.middlewares).map(([n]) => n));
    for (const kind of ['routers', 'services', 'middlewares', 'serversTransports'] as const) {
      for (const [name] of entriesOf(sec[kind])) lint.name(`${section}.${kind}.${name}`, name);
    }
    for (const [name, router] of entriesOf(sec.routers)) {
      lintRouter(lint, `${section}.routers.${name}`, section, router, { services, middlewares, tlsOptions }, ctx);
    }
    for (const [name, service] of entriesOf(sec.services)) lintService(lint, `${section}.services.${name}`, section, service);
  }
  for (const [name, opts] of entriesOf(isObj(config.tls) ? config.tls.options : undefined)) {
    const where = `tls.options.${name}`;
    lint.name(where, name);
    lint.oneOf(`${where}.minVersion`, opts.minVersion, TLS_VERSIONS);
    lint.oneOf(`${where}.maxVersion`, opts.maxVersion, TLS_VERSIONS);
    for (const c of asList(opts.cipherSuites)) lint.oneOf(`${where}.cipherSuites`, c, CIPHER_SUITES);
    for (const c of asList(opts.curvePreferences)) lint.oneOf(`${where}.curvePreferences`, c, CURVES);
    if (isObj(opts.clientAuth)) lint.oneOf(`${where}.clientAuth.clientAuthType`, opts.clientAuth.clientAuthType, CLIENT_AUTH_TYPES);
  }
  return lint.problems;
}

interface Local {
  services: Set<string>;
  middlewares: Set<string>;
  tlsOptions: Set<string>;
}

function lintRouter(lint: Lint, where: string, section: Section, router: Obj, local: Local, ctx: DynamicContext): void {
  if (section !== 'udp') {
    if (typeof router.rule !== 'string') lint.add(`${where}.rule`, 'a router needs a rule');
    else for (const e of checkRule(router.rule, section).errors) lint.add(`${where}.rule`, e);
  }
  if (typeof router.service !== 'string') lint.add(`${where}.service`, 'a router needs a service');
  else checkRef(lint, `${where}.service`, 'service', router.service, local.services, ctx, 'services');
  for (const mw of asList(router.middlewares)) checkRef(lint, `${where}.middlewares`, 'middleware', mw, local.middlewares, ctx, 'middlewares');
  for (const ep of asList(router.entryPoints)) {
    const protocol = ctx.entryPoints?.get(ep);
    if (ctx.entryPoints && protocol === undefined) lint.add(`${where}.entryPoints`, `entrypoint "${ep}" is not defined in the static config`);
    else if (protocol && (protocol === 'udp') !== (section === 'udp')) lint.add(`${where}.entryPoints`, `entrypoint "${ep}" is ${protocol.toUpperCase()}, but this is a ${section.toUpperCase()} router`);
  }
  const tls = isObj(router.tls) ? router.tls : undefined;
  if (!tls) return;
  if (typeof tls.certResolver === 'string' && ctx.certResolvers && !ctx.certResolvers.has(tls.certResolver)) {
    lint.add(`${where}.tls.certResolver`, `resolver "${tls.certResolver}" is not defined in the static config`);
  }
  if (typeof tls.options === 'string' && !tls.options.includes('@') && !local.tlsOptions.has(tls.options)) {
    lint.add(`${where}.tls.options`, `TLS options "${tls.options}" are not defined`);
  }
}

function lintService(lint: Lint, where: string, section: Section, service: Obj): void {
  const lb = isObj(service.loadBalancer) ? service.loadBalancer : undefined;
  if (!lb) return;
  const servers = Array.isArray(lb.servers) ? lb.servers : [];
  servers.forEach((s, i) => {
    const server: Obj = isObj(s) ? s : {};
    const at = `${where}.loadBalancer.servers[${i}]`;
    if (section === 'http') {
      if (typeof server.url !== 'string' || !/^(https?|h2c):\/\/[^/\s]+/.test(server.url)) lint.add(`${at}.url`, `expected an http(s) URL, found ${JSON.stringify(server.url)}`);
    } else if (typeof server.address !== 'string' || !/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):[0-9]{1,5}$/.test(server.address)) {
      lint.add(`${at}.address`, `expected host:port, found ${JSON.stringify(server.address)}`);
    }
  });
}

function checkRef(lint: Lint, where: string, what: string, ref: string, local: Set<string>, ctx: DynamicContext, kind: 'services' | 'middlewares'): void {
  const at = ref.indexOf('@');
  if (at < 0) {
    if (!local.has(ref)) lint.add(where, `${what} "${ref}" is not defined (a bare name resolves inside the ${ctx.provider} provider; use ${ref}@file for one from another provider)`);
    return;
  }
  const [name, provider] = [ref.slice(0, at), ref.slice(at + 1)];
  if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) lint.add(where, `unknown provider "@${provider}" in "${ref}"`);
  else if (provider === ctx.provider && !local.has(name)) lint.add(where, `${what} "${ref}" is not defined`);
  else {
    const external = ctx.external?.[provider]?.[kind];
    if (external && !external.has(name)) lint.add(where, `${what} "${ref}" is not defined by the ${provider} provider`);
  }
}

function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
