import type { HealthSettings } from '../../core/compose/health-labels.js';
import { decodeTraefikLabels, type Section } from './decode-labels.js';
import { traefikHealthCheck } from './health-check.js';
import { LABELS, parsePort } from './labels.js';
import { resolveReferences, type RefContext } from './references.js';
import { emptyTables, type ContainerInfo, type Fragment, type FragmentResult, type Obj, type RouteSettings } from './model.js';

/**
 * Level 2: `traefik.enable=true`. The container's own traefik.* labels, with every router,
 * service and middleware name prefixed `r{networkId}-` so two repos never collide (Traefik silently
 * disables duplicated routers), and every backend pointed at the container's own loopback IP.
 * A load balancer without a `healthcheck` of the labels' own gets the one of `rediacc.healthcheck.*`.
 */
export function labelFragment(c: ContainerInfo, service: string, ip: string, s: RouteSettings, health: HealthSettings): FragmentResult {
  const decoded = decodeTraefikLabels(c.labels);
  const errors = [...decoded.errors];
  const prefix = `r${c.networkId}-`;
  const fragment: Fragment = { container: c, service, level: 2, config: { http: emptyTables(), tcp: emptyTables(), udp: emptyTables() }, hosts: {}, names: [], claimedHosts: [], catchAll: { tcp: { routers: [], entryPoints: [] }, udp: { routers: [], entryPoints: [] } } };
  const portLabel = c.labels[LABELS.servicePort];
  const defaultPort = portLabel === undefined ? 80 : parsePort(portLabel, LABELS.servicePort, errors);

  // Routers without a service get the container's only one (or, for HTTP with none, one of their own name).
  const serviceNames = {} as Record<Section, string[]>;
  for (const section of ['http', 'tcp', 'udp'] as const) {
    const src = decoded.config[section];
    const names = [...new Set([...Object.keys(src.services), ...Object.keys(decoded.servers[section])])].sort();
    serviceNames[section] = names;
    for (const [name, router] of Object.entries(src.routers)) {
      if (typeof router.service === 'string') continue;
      const where = `traefik.${section}.routers.${name}`;
      if (names.length === 1) router.service = names[0];
      else if (names.length === 0 && section === 'http') names.push((router.service = name));
      else errors.push(`${where}: no service set and the container defines ${names.length === 0 ? 'none' : `several (${names.join(', ')})`}; add ${where}.service`);
    }
  }
  // Every reference (services, middlewares of any type, TLS options, addresses…) stays inside the repo.
  errors.push(...resolveReferences(decoded.config, {
    networkId: c.networkId, prefix, fileMiddlewares: s.fileMiddlewares,
    defined: Object.fromEntries((['http', 'tcp', 'udp'] as const).map((sec) => [sec, { services: new Set(serviceNames[sec]), middlewares: new Set(Object.keys(decoded.config[sec].middlewares)) }])) as RefContext['defined'],
  }));
  if (errors.length) return { ok: false, errors };

  for (const section of ['http', 'tcp', 'udp'] as const) {
    const src = decoded.config[section];
    const out = fragment.config[section];
    for (const [name, router] of Object.entries(src.routers)) {
      const r: Obj = { ...router };
      const where = `traefik.${section}.routers.${name}`;
      if (!Array.isArray(r.entryPoints) || r.entryPoints.length === 0) {
        if (section === 'http') r.entryPoints = s.routeEntryPoints;
        else { errors.push(`${where}.entrypoints is required (e.g. ${section}-5432)`); continue; }
      }
      if (section === 'http' && r.tls === undefined && (r.entryPoints as string[]).every((e) => e.startsWith('websecure'))) {
        // A router on the HTTPS entrypoints without a tls section would answer TLS clients in clear text.
        r.tls = s.certResolver ? { certResolver: s.certResolver } : {};
      }
      out.routers[prefix + name] = r;
    }
    for (const name of serviceNames[section]) {
      const built = backend(section, name, src.services[name] ?? {}, decoded.servers[section][name] ?? {}, ip, defaultPort, health, errors);
      if (built) out.services[prefix + name] = built;
    }
    for (const [name, mw] of Object.entries(src.middlewares)) out.middlewares[prefix + name] = mw;
  }
  return errors.length ? { ok: false, errors } : { ok: true, fragment };
}

/** A service whose single server is the container itself. */
function backend(section: Section, name: string, svc: Obj, hint: { port?: number; scheme?: string }, ip: string, defaultPort: number | undefined, health: HealthSettings, errors: string[]): Obj | undefined {
  const lb: Obj = { ...((svc.loadBalancer as Obj | undefined) ?? {}) };
  const other = Object.keys(svc).filter((k) => k !== 'loadBalancer');
  if (other.length) {
    errors.push(`traefik.${section}.services.${name}: ${other.join(', ')} services are not supported; use loadbalancer.server.port`);
    return undefined;
  }
  const port = hint.port ?? (section === 'http' ? defaultPort : undefined);
  if (port === undefined) {
    errors.push(`traefik.${section}.services.${name}.loadbalancer.server.port is required`);
    return undefined;
  }
  lb.servers = section === 'http' ? [{ url: `${hint.scheme ?? 'http'}://${ip}:${port}` }] : [{ address: `${ip}:${port}` }];
  const check = lb.healthCheck === undefined ? traefikHealthCheck(section, health) : undefined;
  if (check) lb.healthCheck = check;
  return { loadBalancer: lb };
}
