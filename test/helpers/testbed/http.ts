import { request } from 'node:http';
import { connect } from 'node:net';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP GET to host:port with an explicit Host header (how Traefik picks the route). */
export function httpGet(host: string, port: number, path: string, hostHeader?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers: hostHeader ? { host: hostHeader } : {}, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}:${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export async function getJson<T>(host: string, port: number, path: string): Promise<{ status: number; json: T }> {
  const r = await httpGet(host, port, path);
  return { status: r.status, json: JSON.parse(r.body) as T };
}

/** Opens a TCP connection, optionally sends a line, and returns what the server says first. */
export function tcpExchange(host: string, port: number, send = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    socket.setTimeout(3000, () => socket.destroy(new Error(`tcp ${host}:${port}: no answer`)));
    socket.on('connect', () => send && socket.write(send));
    socket.on('data', (d) => {
      data += d.toString();
      if (data.includes('\n')) socket.end();
    });
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}
