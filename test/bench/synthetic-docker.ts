import { createServer, type Server } from 'node:http';
import { serviceIp } from '../../src/core/infra/network.js';

/**
 * A stand-in Docker Engine API on a unix socket, for the scale benchmark only (100 daemons × 50
 * containers cannot run here): answers the two calls the route server makes, container list and
 * the event stream (held open, silent).
 */
export function syntheticDaemon(socket: string, networkId: number, containers: number): Promise<Server> {
  const list = JSON.stringify(Array.from({ length: containers }, (_, slot) => ({
    Id: `${networkId}-${slot}`.padEnd(64, '0'),
    Names: [`/svc${slot}-${networkId}`],
    Created: 1_700_000_000 + slot,
    State: 'running',
    Labels: slot % 10 === 0
      ? { 'rediacc.service_name': `svc${slot}`, 'rediacc.service_ip': serviceIp(networkId, slot), 'rediacc.network_id': String(networkId),
          'traefik.enable': 'true', [`traefik.http.routers.app${slot}.rule`]: `Host(\`app${slot}-${networkId}.example.com\`)`,
          [`traefik.http.routers.app${slot}.middlewares`]: `hsts${slot}`, [`traefik.http.middlewares.hsts${slot}.headers.stsSeconds`]: '31536000',
          [`traefik.http.services.app${slot}.loadbalancer.server.port`]: '8080' }
      : { 'rediacc.service_name': `svc${slot}`, 'rediacc.service_ip': serviceIp(networkId, slot), 'rediacc.network_id': String(networkId), 'rediacc.service_port': '8080' },
  })));
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/containers/json')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(list);
    } else if (req.url?.startsWith('/events')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    } else {
      res.writeHead(404).end('{}');
    }
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}
