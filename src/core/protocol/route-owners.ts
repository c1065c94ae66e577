import { RdcError } from '../errors.js';
import { FieldProblem, type Check } from './check.js';

/**
 * Who owns what on a machine's proxy: the route server's `GET /owners.json`, beside Traefik's own
 * `/routes.json` (which stays Traefik's config, untouched). One entry per router the route server
 * published, saying which repo, service and container it comes from, so nothing downstream (machine
 * routes, repo URLs, claims, DNS) reads ownership back out of router names or splits display text.
 * The route server builds it (renet/route-server/owners.ts); rdc and renet read it through the parser.
 */
export const ROUTE_OWNERS_PATH = '/owners.json';

export type RouteKind = 'http' | 'tcp' | 'udp';

export interface RouteOwner {
  kind: RouteKind;
  /** The router's name in Traefik's config (/routes.json): what Traefik's API and logs call it. */
  router: string;
  networkId: number;
  /** The repo's name, when the reader knows it: the route server knows repos by network ID only, rdc names them from its config. */
  repo?: string;
  /** The compose service (`rediacc.service_name`) and the container the router comes from. */
  service: string;
  container: string;
  /** 1: an auto route from `rediacc.*` labels; 2: the container's own `traefik.*` labels. */
  level: 1 | 2;
  /** The hosts its rule serves (`Host()`/`HostSNI()` names, not every name it mentions); empty for a catch-all TCP router and for UDP. */
  hosts: string[];
  /** The ports of its `tcp-{port}`/`udp-{port}` entrypoints, after any move into the dynamic range; empty on the HTTP(S) entrypoints. */
  ports: number[];
  entryPoints: string[];
  /** Where its service sends traffic: `http://{ip}:{port}` (HTTP) or `{ip}:{port}` (TCP, UDP). */
  backends: string[];
  /** HTTP routers with a tls section: the resolver that issues their certificate, or null (Traefik's default certificate). */
  tls?: { certResolver: string | null };
}

/** The body of /owners.json. */
export interface RouteOwners {
  routes: RouteOwner[];
}

const KINDS: readonly string[] = ['http', 'tcp', 'udp'];

/**
 * The only way to get RouteOwners from the wire (pure). `source` names where the value came from
 * (`renet machine routes`); a value that does not fit is an error naming it and the field.
 */
export function parseRouteOwners(raw: unknown, source: string): RouteOwners {
  const fail = (field: string, what: string): never => {
    throw new RdcError(`${source}: ${field} ${what}; rdc and renet disagree on the route owners.`, { hint: 'Push the infra again (rdc context push-infra MACHINE) so the server runs this rdc\'s renet.' });
  };
  if (!isObj(raw) || !Array.isArray(raw.routes)) return fail('routes', 'is not a list');
  const routes = raw.routes.map((r: unknown, i): RouteOwner => {
    const at = `routes[${i}]`;
    if (!isObj(r)) return fail(at, 'is not an object');
    const text = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : fail(`${at}.${k}`, 'is not a string'));
    const texts = (k: string) => (Array.isArray(r[k]) && (r[k] as unknown[]).every((v) => typeof v === 'string') ? [...(r[k] as string[])] : fail(`${at}.${k}`, 'is not a list of strings'));
    const kind = text('kind');
    if (!KINDS.includes(kind)) fail(`${at}.kind`, `is ${JSON.stringify(kind)}, not http, tcp or udp`);
    if (!Number.isInteger(r.networkId)) fail(`${at}.networkId`, 'is not a whole number');
    if (r.level !== 1 && r.level !== 2) fail(`${at}.level`, 'is not 1 or 2');
    const ports = Array.isArray(r.ports) && r.ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535) ? [...(r.ports as number[])] : fail(`${at}.ports`, 'is not a list of ports');
    const owner: RouteOwner = {
      kind: kind as RouteKind, router: text('router'), networkId: r.networkId as number, service: text('service'), container: text('container'),
      level: r.level as 1 | 2, hosts: texts('hosts'), ports, entryPoints: texts('entryPoints'), backends: texts('backends'),
    };
    if (r.repo !== undefined) owner.repo = text('repo');
    if (r.tls !== undefined) {
      const resolver = isObj(r.tls) ? r.tls.certResolver : undefined;
      if (resolver !== null && typeof resolver !== 'string') fail(`${at}.tls.certResolver`, 'is not a string or null');
      owner.tls = { certResolver: resolver as string | null };
    }
    return owner;
  });
  return { routes };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The same check inside a reply (a repo reply's `routes`): a misfit names the reply's field. */
export const routeOwnerList: Check<RouteOwner[]> = (value, at) => {
  try {
    return parseRouteOwners({ routes: value }, at).routes;
  } catch (err) {
    throw new FieldProblem(at, (err as Error).message.slice(at.length + 2).replace(/; rdc and renet disagree.*$/, ''));
  }
};
