import type { HealthSettings } from '../../core/compose/health-labels.js';
import { traefikHealthCheck } from './health-check.js';
import { LABELS, parsePort } from './labels.js';
import { emptyTables, type ContainerInfo, type Fragment, type FragmentResult, type RouteSettings } from './model.js';

/**
 * Level 1: a container with only `rediacc.*` labels gets the auto route
 * `{service}-{networkId}.{baseDomain}` to `http://{service_ip}:{service_port or 80}`, plus a TCP/UDP
 * route per `rediacc.tcp_ports` / `rediacc.udp_ports` entry. A container with TCP/UDP ports and no
 * `rediacc.service_port` speaks no HTTP: it gets no auto HTTP route. Services carry Traefik's
 * health check from the `rediacc.healthcheck.*` labels (health-check.ts).
 */
export function autoFragment(c: ContainerInfo, service: string, ip: string, s: RouteSettings, health: HealthSettings): FragmentResult {
  const errors: string[] = [];
  const label = `${service.toLowerCase().replace(/[_.]/g, '-')}-${c.networkId}`;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) errors.push(`${LABELS.serviceName}=${JSON.stringify(service)} cannot be a DNS label (${label})`);
  const portLabel = c.labels[LABELS.servicePort];
  const port = portLabel === undefined ? 80 : parsePort(portLabel, LABELS.servicePort, errors);
  const tcp = portList(c.labels[LABELS.tcpPorts], LABELS.tcpPorts, errors);
  const udp = portList(c.labels[LABELS.udpPorts], LABELS.udpPorts, errors);
  for (const p of tcp) {
    if (s.tcpEntryPorts.includes(p)) continue;
    // set-infra refuses 22 for every TCP listener (sshd is there): suggesting it would send the user in a circle.
    errors.push(p === 22
      ? `${LABELS.tcpPorts}: port 22 is the server's SSH port and never a TCP entrypoint; forward another port (e.g. 2222) to the service`
      : `${LABELS.tcpPorts}: port ${p} has no entrypoint tcp-${p}; register it with rdc context set-infra --tcp-ports ${p} and push-infra`);
  }
  for (const p of udp) if (!s.udpEntryPorts.includes(p)) errors.push(`${LABELS.udpPorts}: port ${p} has no entrypoint udp-${p}; register it with rdc context set-infra --udp-ports ${p} and push-infra`);
  if (errors.length) return { ok: false, errors };

  const fragment: Fragment = { container: c, service, level: 1, config: { http: emptyTables(), tcp: emptyTables(), udp: emptyTables() }, hosts: {}, names: [], claimedHosts: [], catchAll: { tcp: { routers: [], entryPoints: [] }, udp: { routers: [], entryPoints: [] } } };
  const name = `auto-${label}`;
  // A container that only declares TCP/UDP ports (a database) gets no HTTP route unless it names a service_port.
  if (s.baseDomain && (portLabel !== undefined || (!tcp.length && !udp.length))) {
    const router: Record<string, unknown> = { entryPoints: s.routeEntryPoints, rule: `Host(\`${label}.${s.baseDomain}\`)`, service: name };
    // One wildcard certificate (DNS-01) covers every auto route: no order, and no CA rate limit, per new service.
    if (s.certResolver) router.tls = s.certWildcard ? { certResolver: s.certResolver, domains: [{ main: s.certWildcard }] } : { certResolver: s.certResolver };
    fragment.config.http.routers[name] = router;
    fragment.config.http.services[name] = { loadBalancer: withHealth({ servers: [{ url: `http://${ip}:${port}` }] }, 'http', health) };
  }
  for (const p of tcp) {
    fragment.config.tcp.routers[`${name}-tcp-${p}`] = { entryPoints: [`tcp-${p}`], rule: 'HostSNI(`*`)', service: `${name}-tcp-${p}` };
    fragment.config.tcp.services[`${name}-tcp-${p}`] = { loadBalancer: withHealth({ servers: [{ address: `${ip}:${p}` }] }, 'tcp', health) };
  }
  for (const p of udp) {
    fragment.config.udp.routers[`${name}-udp-${p}`] = { entryPoints: [`udp-${p}`], service: `${name}-udp-${p}` };
    fragment.config.udp.services[`${name}-udp-${p}`] = { loadBalancer: { servers: [{ address: `${ip}:${p}` }] } };
  }
  return { ok: true, fragment };
}

function withHealth(lb: Record<string, unknown>, section: 'http' | 'tcp', health: HealthSettings): Record<string, unknown> {
  const check = traefikHealthCheck(section, health);
  return check ? { ...lb, healthCheck: check } : lb;
}

function portList(value: string | undefined, label: string, errors: string[]): number[] {
  if (value === undefined || value.trim() === '') return [];
  const ports = value.split(',').map((p) => parsePort(p, label, errors)).filter((p): p is number => p !== undefined);
  return [...new Set(ports)].sort((a, b) => a - b);
}
