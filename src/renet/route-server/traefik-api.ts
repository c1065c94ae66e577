import { request } from 'node:http';
import type { TraefikRawData } from './proxy-compare.js';

/** `host:port` of Traefik's API, as /health reports it. */
export function parseApi(api: string): { host: string; port: number } {
  const at = api.lastIndexOf(':');
  return { host: api.slice(0, at), port: Number(api.slice(at + 1)) };
}

/** Traefik's /api/rawdata (what it loaded, with per-router status); undefined when it does not answer. */
export function traefikRawData(api: { host: string; port: number }, timeoutMs = 3000): Promise<TraefikRawData | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: api.host, port: api.port, path: '/api/rawdata', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as TraefikRawData) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
