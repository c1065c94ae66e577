/**
 * /proc/net/tcp and /proc/net/tcp6 (pure parsing): which TCP connections the host has, by state.
 * Repo containers use host networking, so renet (root, on the host) sees theirs here. Addresses
 * are the kernel's 32-bit words printed in host byte order (little-endian on every platform Docker
 * and Node run this on); ports are big-endian hex.
 */
export interface TcpSocket {
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
  /** The kernel's state number: 1 = ESTABLISHED, 10 = LISTEN… */
  state: number;
}

export const TCP_ESTABLISHED = 1;
export const TCP_LISTEN = 10;

export function parseProcNetTcp(text: string): TcpSocket[] {
  const out: TcpSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const local = endpoint(f[1] as string);
    const remote = endpoint(f[2] as string);
    const state = parseInt(f[3] as string, 16);
    if (local && remote && Number.isFinite(state)) out.push({ local, remote, state });
  }
  return out;
}

function endpoint(field: string): { ip: string; port: number } | undefined {
  const [addr, port] = field.split(':');
  if (!addr || !port || !/^[0-9A-Fa-f]+$/.test(addr + port)) return undefined;
  const ip = addr.length === 8 ? ipv4(addr) : addr.length === 32 ? ipv6(addr) : undefined;
  return ip === undefined ? undefined : { ip, port: parseInt(port, 16) };
}

/** One 32-bit word printed little-endian: `0100007F` is 127.0.0.1. */
function ipv4(word: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(word.slice(i, i + 2), 16)).join('.');
}

/** Four words; an IPv4-mapped address (`::ffff:a.b.c.d`) is given as the IPv4 one, as a listener on 127.x sees it. */
function ipv6(hex: string): string {
  const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8));
  if (words[0] === '00000000' && words[1] === '00000000' && words[2]?.toUpperCase() === 'FFFF0000') return ipv4(words[3] as string);
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => w.slice(i, i + 2)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(parseInt(`${bytes[i]}${bytes[i + 1]}`, 16).toString(16));
  return groups.join(':');
}

/** Connections in progress to any of these endpoints (the server's side: its local address is the endpoint). */
export function establishedTo(sockets: TcpSocket[], endpoints: { ip: string; port: number }[]): number {
  return sockets.filter((s) => s.state === TCP_ESTABLISHED && endpoints.some((e) => e.ip === s.local.ip && e.port === s.local.port)).length;
}

const ANY = new Set(['0.0.0.0', '0:0:0:0:0:0:0:0']);

/** Something listens on one of these endpoints (on its address, or on every address). */
export function listensOn(sockets: TcpSocket[], endpoints: { ip: string; port: number }[]): boolean {
  return sockets.some((s) => s.state === TCP_LISTEN && endpoints.some((e) => e.port === s.local.port && (e.ip === s.local.ip || ANY.has(s.local.ip))));
}

/**
 * The first endpoint served only by a listener on every address (`0.0.0.0:8080`), as `ip:port`:
 * a second container could not bind that port at its own address, and a probe of that address
 * would reach the listener on every address instead.
 */
export function wildcardOnly(sockets: TcpSocket[], endpoints: { ip: string; port: number }[]): string | undefined {
  const listening = sockets.filter((s) => s.state === TCP_LISTEN);
  for (const e of endpoints) {
    if (listening.some((s) => s.local.port === e.port && s.local.ip === e.ip)) continue;
    const any = listening.find((s) => s.local.port === e.port && ANY.has(s.local.ip));
    if (any) return `${any.local.ip}:${e.port}`;
  }
  return undefined;
}
