import { isIP } from 'node:net';
import { isNetworkId } from '../../core/infra/network.js';
import { checkRule, hostBound } from '../../core/traefik/rule.js';
import { LIMITS, PRIORITY } from './limits.js';
import type { Fragment, Obj, RouteSettings } from './model.js';

/**
 * Host pinning: a repo's routers may only match hosts it can own. Every HTTP rule (and every TCP
 * rule on a shared HTTP(S) entrypoint) must be bounded by Host()/HostSNI() names — `&&` with
 * anything is fine, `||`, `!` or a matcher without a host widens the match and is refused. Names in
 * another repo's auto-route namespace (`…-{networkId}.{baseDomain}`), wildcards and IP literals are
 * refused; which repo owns a name is settled later (resolve.ts, the earlier claimant keeps it).
 * HostRegexp/HostSNIRegexp is allowed only as `^PREFIX-{networkId}\.{baseDomain}$` with PREFIX made
 * of literal characters, `.`, `\.`, classes and quantifiers (no `|`, groups or anchors), so it can
 * only match inside the repo's own namespace. A TCP rule that names no host takes a whole `tcp-PORT`
 * entrypoint (claimed in resolve.ts) and is refused on the shared ones.
 * Fills `f.hosts` with the names each router claims; returns the problems, each naming its router.
 */
export function pinRouters(f: Fragment, s: RouteSettings): string[] {
  const errors: string[] = [];
  const id = f.container.networkId;
  const shared = new Set(s.httpEntryPoints);
  const namespace = s.baseDomain ? `-${id}.${s.baseDomain}` : undefined;
  const owned = new Set<string>();
  const regexpBound = new Set<string>();
  // The machine's shared wildcard (DNS-01) is asked for by the auto routes rdc itself writes, never by labels.
  const wildcard = f.level === 1 ? s.certWildcard : undefined;
  for (const section of ['http', 'tcp'] as const) {
    for (const [name, router] of Object.entries(f.config[section].routers)) {
      const where = `${section}.routers.${name}`;
      const fail = (message: string) => errors.push(`${where}: ${message}`);
      const rule = typeof router.rule === 'string' ? router.rule : '';
      const entryPoints = (router.entryPoints as string[] | undefined) ?? [];
      if (rule.length > LIMITS.ruleLength) { fail(`the rule has ${rule.length} characters; the limit is ${LIMITS.ruleLength}`); continue; }
      checkPriority(router, fail);
      if (section === 'http') for (const ep of entryPoints.filter((e) => !shared.has(e))) fail(`entrypoint "${ep}" is not an HTTP entrypoint (${[...shared].join(', ')})`);
      const ast = checkRule(rule, section).ast;
      if (!ast) continue; // lint-dynamic reported the syntax error already
      const bound = hostBound(ast);
      if (bound.any) {
        f.hosts[`${section}/${name}`] = [];
        const onShared = entryPoints.filter((e) => shared.has(e));
        if (section === 'http') fail(`the rule "${rule}" can match any host, including other repos'; pin it to your names: Host(\`app.example.com\`) && …`);
        else if (onShared.length) fail(`the rule "${rule}" on the shared entrypoint ${onShared.join(', ')} would take every repo's TLS traffic; pin it with HostSNI(\`name\`) or use a tcp-PORT entrypoint`);
        checkDomains(router, new Set(), false, namespace, wildcard, fail);
        continue;
      }
      for (const host of bound.hosts) {
        const problem = hostProblem(host, id, s.baseDomain);
        if (problem) fail(problem);
        else owned.add(host);
      }
      for (const pattern of bound.regexps) {
        if (namespace && regexpInNamespace(pattern, namespace)) continue;
        fail(namespace
          ? `the regexp "${pattern}" could match names outside this repo's; only ^NAME-${id}\\.${s.baseDomain?.replace(/\./g, '\\.')}$ forms are allowed (letters, digits, '-', '.', classes and quantifiers before the suffix)`
          : `the regexp "${pattern}" is refused: this machine has no base domain, so the repo owns no name a regexp could be limited to; use Host(\`name\`)`);
      }
      if (bound.regexps.length) regexpBound.add(`${section}/${name}`);
      f.hosts[`${section}/${name}`] = [...new Set(bound.hosts)];
      checkDomains(router, new Set(bound.hosts), bound.regexps.length > 0, namespace, wildcard, fail);
    }
  }
  for (const [name, service] of Object.entries(f.config.http.services)) {
    for (const holder of [service.loadBalancer, service.weighted] as (Obj | undefined)[]) {
      const domain = ((holder?.sticky as Obj | undefined)?.cookie as Obj | undefined)?.domain;
      if (typeof domain === 'string' && !owned.has(domain.toLowerCase().replace(/^\./, '')) && !(namespace && domain.toLowerCase().endsWith(namespace))) {
        errors.push(`http.services.${name}.sticky.cookie.domain: "${domain}" is not a name this container's routers claim; a cookie for it would reach other repos' sites`);
      }
    }
  }
  return errors;
}

/** Why a Host()/HostSNI() name cannot be claimed by repo `id`, or undefined when it can. */
export function hostProblem(host: string, id: number, baseDomain: string | null): string | undefined {
  if (host.split('.').includes('*')) return `"${host}" is a wildcard; name each host (Host(\`a.example.com\`) || Host(\`b.example.com\`))`;
  if (isIP(host)) return `"${host}" is an IP address; a repo may only claim host names`;
  if (baseDomain && host === baseDomain.toLowerCase()) return undefined;
  const m = baseDomain ? new RegExp(`-([0-9]+)\\.${baseDomain.toLowerCase().replace(/\./g, '\\.')}$`).exec(host) : null;
  if (m && isNetworkId(Number(m[1])) && Number(m[1]) !== id) return `"${host}" is in repo ${m[1]}'s auto-route names (…-${m[1]}.${baseDomain}); pick another name`;
  return undefined;
}

/** `^PREFIX{escaped namespace}$`, PREFIX a plain concatenation (no alternation, groups or anchors). */
function regexpInNamespace(pattern: string, namespace: string): boolean {
  const suffix = `${namespace.replace(/\./g, '\\.')}$`;
  const lower = pattern.toLowerCase();
  if (!lower.startsWith('^') || !lower.endsWith(suffix.toLowerCase())) return false;
  const prefix = pattern.slice(1, pattern.length - suffix.length);
  return /^(?:[A-Za-z0-9-]|\\[.-]|\.|[*+?]|\[\^?[A-Za-z0-9.\\-]*\]|\{[0-9]{1,3}(?:,[0-9]{0,3})?\})+$/.test(prefix) && !/\\$/.test(prefix);
}

function checkPriority(router: Obj, fail: (m: string) => void): void {
  const p = router.priority;
  if (p !== undefined && !(Number.isInteger(p) && (p as number) >= PRIORITY.min && (p as number) <= PRIORITY.max)) {
    fail(`priority ${String(p)} is out of range; a priority only orders this repo's own routers and must be ${PRIORITY.min}-${PRIORITY.max}`);
  }
}

/** tls.domains asks the ACME resolver for certificates: only for names the router itself claims. */
function checkDomains(router: Obj, hosts: Set<string>, inNamespace: boolean, namespace: string | undefined, wildcard: string | undefined, fail: (m: string) => void): void {
  const domains = ((router.tls as Obj | undefined)?.domains as Obj[] | undefined) ?? [];
  for (const d of domains) {
    for (const name of [d.main, ...((d.sans as unknown[]) ?? [])]) {
      if (typeof name !== 'string') continue;
      const n = name.toLowerCase();
      const ok = hosts.has(n) || n === wildcard || (inNamespace && namespace !== undefined && n.endsWith(namespace) && !n.includes('*'));
      if (!ok) fail(`tls.domains "${name}" is not a name this router's rule claims; certificates are only for the router's own hosts`);
    }
  }
}
