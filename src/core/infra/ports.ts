import type { Problem } from '../errors.js';
import type { Infra } from '../config/model.js';
import { uniqueSorted } from '../config/validators.js';

/** TCP ports that always get a `tcp-{port}` entrypoint (seed 002, "Ports pré-configurés"). */
export const PRECONFIGURED_TCP_PORTS = [3306, 5432, 6379, 27017, 11211, 5672, 9092] as const;
/** The range the route server hands out when a repo's TCP port is already taken. */
export const DYNAMIC_TCP_RANGE = { first: 10000, last: 10010 } as const;
export const PRECONFIGURED_UDP_PORTS = [53] as const;
/** Ports reserved for HTTP and HTTPS whatever --http-port/--https-port say. */
const WELL_KNOWN_WEB_PORTS = [80, 443];
/** sshd's port: a listener there fails to bind, or (once sshd restarts) takes the way into the server. */
export const SSH_PORT = 22;
const SSH_OWNER = 'SSH (sshd listens there, and it is how rdc reaches the server)';

export function dynamicTcpPorts(): number[] {
  const ports: number[] = [];
  for (let p = DYNAMIC_TCP_RANGE.first; p <= DYNAMIC_TCP_RANGE.last; p++) ports.push(p);
  return ports;
}

/** Every TCP port that gets an entrypoint: preconfigured ∪ dynamic range ∪ --tcp-ports. */
export function tcpEntryPorts(infra: Infra): number[] {
  return uniqueSorted([...PRECONFIGURED_TCP_PORTS, ...dynamicTcpPorts(), ...infra.tcpPorts]);
}

export function udpEntryPorts(infra: Infra): number[] {
  return uniqueSorted([...PRECONFIGURED_UDP_PORTS, ...infra.udpPorts]);
}

/** Names a field for a message: a flag (`--tcp-ports`) or a config path (`…infra.tcpPorts[2]`). */
export type FieldLocator = (field: keyof Infra, index?: number) => string;

/**
 * Rules that span fields: two listeners on one TCP port would make Traefik (or the route server)
 * fail to bind, so every clash is refused before anything is written.
 */
export function checkInfraPorts(infra: Infra, where: FieldLocator): Problem[] {
  const problems: Problem[] = [];
  const tcpTaken = new Map<number, string>();
  for (const field of ['httpPort', 'httpsPort', 'routeServerPort', 'apiPort'] as const) {
    if (infra[field] === SSH_PORT) problems.push({ where: where(field), message: `${SSH_PORT} is reserved for ${SSH_OWNER}; pick another port, e.g. ${field === 'httpsPort' ? 8443 : field === 'httpPort' ? 8080 : 7112}` });
  }
  for (const p of WELL_KNOWN_WEB_PORTS) tcpTaken.set(p, p === 80 ? 'HTTP' : 'HTTPS');
  tcpTaken.set(infra.httpPort, 'the HTTP entrypoint (--http-port)');
  if (infra.httpsPort === infra.httpPort) {
    problems.push({ where: where('httpsPort'), message: `${infra.httpsPort} is also the HTTP port; HTTP and HTTPS need different ports` });
  }
  tcpTaken.set(infra.httpsPort, 'the HTTPS entrypoint (--https-port)');
  tcpTaken.set(infra.routeServerPort, 'the route server (--route-server-port)');
  if (infra.apiPort !== undefined) tcpTaken.set(infra.apiPort, 'the Traefik API (--api-port)');

  infra.tcpPorts.forEach((port, i) => {
    const owner = port === SSH_PORT ? SSH_OWNER : tcpTaken.get(port);
    if (owner) problems.push({ where: where('tcpPorts', i), message: `${port} is reserved for ${owner}; remove it from the TCP port list` });
  });

  const entryPorts = new Set(tcpEntryPorts(infra));
  for (const field of ['httpPort', 'httpsPort'] as const) {
    if (entryPorts.has(infra[field]) && !WELL_KNOWN_WEB_PORTS.includes(infra[field])) {
      problems.push({ where: where(field), message: `${infra[field]} is already a TCP entrypoint (tcp-${infra[field]}); pick a port outside the TCP ports, 10000-10010 and ${PRECONFIGURED_TCP_PORTS.join(', ')}` });
    }
  }

  // Clashes with --tcp-ports were reported above, at the list; these are the fixed entrypoints.
  const fixedPorts = new Set(tcpEntryPorts({ ...infra, tcpPorts: [] }));
  const loopbackUsers: [keyof Infra, number | undefined][] = [['routeServerPort', infra.routeServerPort], ['apiPort', infra.apiPort]];
  for (const [field, port] of loopbackUsers) {
    if (port === undefined) continue;
    if (fixedPorts.has(port) || port === infra.httpPort || port === infra.httpsPort) {
      problems.push({ where: where(field), message: `${port} is also a Traefik entrypoint port; choose a port no entrypoint uses` });
    }
  }
  if (infra.apiPort !== undefined && infra.apiPort === infra.routeServerPort) {
    problems.push({ where: where('apiPort'), message: `${infra.apiPort} is also the route server's port; choose another` });
  }
  return problems;
}
