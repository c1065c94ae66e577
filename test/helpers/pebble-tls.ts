import { connect, type PeerCertificate } from 'node:tls';

export interface Handshake {
  authorized: boolean;
  error: string | undefined;
  protocol: string | null;
  cert: PeerCertificate;
}

/** A TLS handshake with `servername`, verified against `ca` only (Pebble's issuing root); never throws on a bad certificate. */
export function handshake(host: string, port: number, servername: string, ca: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername, ca, rejectUnauthorized: false }, () => {
      const result = { authorized: socket.authorized, error: socket.authorizationError?.message, protocol: socket.getProtocol(), cert: socket.getPeerCertificate() };
      socket.end();
      resolve(result);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error(`TLS ${host}:${port} (${servername}): no handshake`)));
    socket.on('error', reject);
  });
}

/** The status line of an HTTPS GET with the Host header and SNI of `servername`, verified against `ca` (a bad certificate throws). */
export function verifiedGet(host: string, port: number, servername: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername, ca }, () => socket.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`));
    let raw = '';
    socket.on('data', (d: Buffer) => (raw += d.toString()));
    socket.on('end', () => resolve(Number(raw.split(' ')[1])));
    socket.setTimeout(5000, () => socket.destroy(new Error(`HTTPS ${host}:${port}: no answer`)));
    socket.on('error', reject);
  });
}
