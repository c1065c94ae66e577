import { decodeTraefikLabels, type Section } from './decode-labels.js';
import { LABELS, parsePort } from './labels.js';
import { emptyTables, type ContainerInfo, type Fragment, type FragmentResult, type Obj, type RouteSettings, type Tables } from './model.js';

/**
 * Level 2: `traefik.enable=true`. The container's own traefik.* labels, with every router,
 * service and middleware name prefixed `r{networkId}-` so two repos never collide (Traefik silently
 * disables duplicated routers), and every backend pointed at the container's own loopback IP.
 */
export function labelFragment(c: ContainerInfo, service: string, ip: string, s: RouteSettings): FragmentResult {
  const decoded = decodeTraefikLabels(c.labels);
  const errors = [...decoded.errors];
  const prefix = `r${c.networkId}-`;
  const fragment: Fragment = { container: c, service, level: 2, config: { http: emptyTables(), tcp: emptyTables(), udp: emptyTables() }, hosts: {}, names: [], claimedHosts: [], catchAll: { tcp: { routers: [], entryPoints: [] }, udp: { routers: [], entryPoints: [] } } };
  const portLabel = c.labels[LABELS.servicePort];
  const defaultPort = portLabel === undefined ? 80 : parsePort(portLabel, LABELS.servicePort, errors);

  for (const section of ['http', 'tcp', 'udp'] as const) {
    const src = decoded.config[section];
    const out = fragment.config[section];
    const serviceNames = [...new Set([...Object.keys(src.services), ...Object.keys(decoded.servers[section])])].sort();
    const ref = (name: string) => (name.includes('@') ? name : prefix + name);

    for (const [name, router] of Object.entries(src.routers)) {
      const r: Obj = { ...router };
      const where = `traefik.${section}.routers.${name}`;
      if (typeof r.service !== 'string') {
        if (serviceNames.length === 1) r.service = serviceNames[0];
        else if (serviceNames.length === 0 && section === 'http') serviceNames.push((r.service = name));
        else { errors.push(`${where}: no service set and the container defines ${serviceNames.length === 0 ? 'none' : `several (${serviceNames.join(', ')})`}; add ${where}.service`); continue; }
      }
      // Another provider's objects are out of bounds: `x@http` is another repo's, `api@internal` the dashboard.
      if ((r.service as string).includes('@')) { errors.push(`${where}.service: "${r.service}" belongs to another provider; a repo may only use its own services`); continue; }
      if (!serviceNames.includes(r.service as string)) { errors.push(`${where}.service: "${r.service}" is not defined; add traefik.${section}.services.${r.service}.loadbalancer.server.port`); continue; }
      r.service = ref(r.service as string);
      const missing = ((r.middlewares as string[] | undefined) ?? []).filter((m) => !m.includes('@') && !src.middlewares[m]);
      if (missing.length) {
        const file = s.fileMiddlewares.map((m) => `${m}@file`).join(', ');
        errors.push(`${where}.middlewares: ${missing.map((m) => `"${m}"`).join(', ')} not defined by this container's labels (define traefik.${section}.middlewares.NAME.…, or use ${file})`);
        continue;
      }
      const foreign = ((r.middlewares as string[] | undefined) ?? []).filter((m) => m.includes('@') && !m.endsWith('@file'));
      if (foreign.length) { errors.push(`${where}.middlewares: ${foreign.join(', ')} not allowed; use the repo's own middlewares or name@file`); continue; }
      if (Array.isArray(r.middlewares)) r.middlewares = (r.middlewares as string[]).map(ref);
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
    for (const name of serviceNames) {
      const built = backend(section, name, src.services[name] ?? {}, decoded.servers[section][name] ?? {}, ip, defaultPort, errors);
      if (built) out.services[prefix + name] = built;
    }
    for (const [name, mw] of Object.entries(src.middlewares)) out.middlewares[prefix + name] = mw;
    rewriteChains(out, prefix);
  }
  return errors.length ? { ok: false, errors } : { ok: true, fragment };
}

/** A service whose single server is the container itself. */
function backend(section: Section, name: string, svc: Obj, hint: { port?: number; scheme?: string }, ip: string, defaultPort: number | undefined, errors: string[]): Obj | undefined {
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
  return { loadBalancer: lb };
}

/** Middlewares that name other middlewares (chain) follow the same namespacing. */
function rewriteChains(out: Tables, prefix: string): void {
  for (const mw of Object.values(out.middlewares)) {
    const chain = mw.chain as Obj | undefined;
    if (chain && Array.isArray(chain.middlewares)) chain.middlewares = (chain.middlewares as string[]).map((m) => (m.includes('@') ? m : prefix + m));
  }
}
