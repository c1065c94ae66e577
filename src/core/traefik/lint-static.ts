import type { Problem } from '../errors.js';
import { findBindClashes, parseListenAddress, type ListenAddress } from './address.js';
import { ACME_KEY_TYPES, STATIC_TOP_LEVEL_KEYS } from './known.js';
import { entriesOf, isObj, Lint, type Obj } from './lint-util.js';

/**
 * Checks on a Traefik static config that the JSON schema cannot make (traefik-v3-notes.md §5):
 * unknown root keys (Traefik drops them silently), `@` in names, references to entrypoints and
 * resolvers that do not exist, and listeners that cannot all bind.
 */
export function lintTraefikStatic(config: Obj): Problem[] {
  const lint = new Lint();
  for (const key of Object.keys(config)) {
    if (!(STATIC_TOP_LEVEL_KEYS as readonly string[]).includes(key)) lint.add(key, `unknown top-level key; Traefik would ignore it (known: ${STATIC_TOP_LEVEL_KEYS.join(', ')})`);
  }
  const entryPoints = entriesOf(config.entryPoints);
  const resolvers = new Set(entriesOf(config.certificatesResolvers).map(([n]) => n));
  const names = new Set(entryPoints.map(([n]) => n));
  const bound: [string, ListenAddress][] = [];

  for (const [name, ep] of entryPoints) {
    const where = `entryPoints.${name}`;
    lint.name(where, name);
    const parsed = typeof ep.address === 'string' ? parseListenAddress(ep.address) : 'address is missing';
    if (typeof parsed === 'string') lint.add(`${where}.address`, parsed);
    else bound.push([name, parsed]);
    const http = isObj(ep.http) ? ep.http : {};
    const redirect = isObj(http.redirections) && isObj(http.redirections.entryPoint) ? http.redirections.entryPoint : undefined;
    if (redirect && typeof redirect.to === 'string' && !redirect.to.startsWith(':') && !names.has(redirect.to)) {
      lint.add(`${where}.http.redirections.entryPoint.to`, `redirects to entrypoint "${redirect.to}", which is not defined`);
    }
    const tls = isObj(http.tls) ? http.tls : undefined;
    if (tls && typeof tls.certResolver === 'string' && !resolvers.has(tls.certResolver)) {
      lint.add(`${where}.http.tls.certResolver`, `resolver "${tls.certResolver}" is not defined in certificatesResolvers`);
    }
  }
  for (const clash of findBindClashes(bound)) lint.add('entryPoints', clash);

  for (const [name, resolver] of entriesOf(config.certificatesResolvers)) {
    const where = `certificatesResolvers.${name}`;
    lint.name(where, name);
    const acme = isObj(resolver.acme) ? resolver.acme : undefined;
    if (!acme) continue;
    if (!acme.email) lint.add(`${where}.acme.email`, 'an ACME resolver needs an email');
    if (acme.storage === '') lint.add(`${where}.acme.storage`, 'an empty storage path stops Traefik from starting');
    lint.oneOf(`${where}.acme.keyType`, acme.keyType, ACME_KEY_TYPES);
  }

  const ping = isObj(config.ping) ? config.ping : undefined;
  if (ping && typeof ping.entryPoint === 'string' && !names.has(ping.entryPoint)) {
    lint.add('ping.entryPoint', `entrypoint "${ping.entryPoint}" is not defined`);
  }
  // api.insecure has no authentication: it must sit on a `traefik` entrypoint bound to loopback
  // (without one, Traefik opens :8080 on every address).
  if (isObj(config.api) && config.api.insecure === true) {
    const api = bound.find(([n]) => n === 'traefik')?.[1];
    if (!api) lint.add('api.insecure', 'the API needs a "traefik" entrypoint on a loopback address; without one Traefik serves it on :8080 on every address');
    else if (!/^(127\.[0-9.]+|::1|localhost)$/.test(api.host)) lint.add('entryPoints.traefik.address', `the API has no authentication; bind it to a loopback address, not "${api.host || '*'}"`);
  }
  const providers = isObj(config.providers) ? config.providers : {};
  if (isObj(providers.http) && typeof providers.http.endpoint === 'string' && !/^https?:\/\/[^/]+/.test(providers.http.endpoint)) {
    lint.add('providers.http.endpoint', `"${providers.http.endpoint}" is not an http(s) URL`);
  }
  return lint.problems;
}

/** The entrypoints of a static config by protocol, for checking dynamic config against it. */
export function staticContext(config: Obj): { entryPoints: Map<string, 'tcp' | 'udp'>; certResolvers: Set<string> } {
  const entryPoints = new Map<string, 'tcp' | 'udp'>();
  for (const [name, ep] of entriesOf(config.entryPoints)) {
    const parsed = typeof ep.address === 'string' ? parseListenAddress(ep.address) : undefined;
    if (parsed && typeof parsed !== 'string') entryPoints.set(name, parsed.protocol);
  }
  return { entryPoints, certResolvers: new Set(entriesOf(config.certificatesResolvers).map(([n]) => n)) };
}
