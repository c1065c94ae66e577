import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { pinsFileName, serializePins, type RepoPins } from '../../core/repo/rollout-pins.js';
import { readPinsFile } from '../route-server/pins-watcher.js';

type Obj = Record<string, unknown>;

/**
 * The switch: renet pins a service to one container (the route server then publishes only that
 * container's routes for it) and waits until Traefik itself serves the change.
 */

/** The repo's pins (none when the file is absent, or is not a regular file: a symlink is not followed, a FIFO not waited on). */
export function readPins(pinsDir: string, networkId: number): RepoPins {
  return readPinsFile(join(pinsDir, pinsFileName(networkId)));
}

/** Pins `service` to container `id` (or removes its pin with `undefined`): root-only, written atomically; an empty file goes. */
export function setPin(pinsDir: string, networkId: number, service: string, id: string | undefined): void {
  const file = join(pinsDir, pinsFileName(networkId));
  const pins = readPins(pinsDir, networkId);
  if (id === undefined) delete pins.services[service];
  else pins.services[service] = id;
  if (!Object.keys(pins.services).length) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(pinsDir, { recursive: true, mode: 0o700 });
  // write-file-atomic writes through a symlink to its target: whatever is there that is not our file goes first.
  if (lstatSync(file, { throwIfNoEntry: false })?.isFile() === false) rmSync(file, { force: true });
  writeFileAtomic.sync(file, serializePins(pins), { mode: 0o600 });
}

/** The backend host of a server entry: `http://ip:port` (HTTP) or `ip:port` (TCP, UDP). */
function serverIp(server: unknown): string | undefined {
  const s = server as { url?: unknown; address?: unknown } | null;
  if (typeof s?.url === 'string') {
    try {
      return new URL(s.url).hostname;
    } catch {
      return undefined;
    }
  }
  return typeof s?.address === 'string' ? s.address.slice(0, s.address.lastIndexOf(':')) : undefined;
}

function serverIps(service: unknown): string[] {
  const servers = ((service as { loadBalancer?: { servers?: unknown[] } } | null)?.loadBalancer?.servers ?? []);
  return servers.map(serverIp).filter((ip): ip is string => ip !== undefined);
}

const RAW_SECTION = { http: 'services', tcp: 'tcpServices', udp: 'udpServices' } as const;

/**
 * True when the route server publishes the service's backends at `want` only (none at `away`)
 * and Traefik (its /api/rawdata) has loaded exactly that for each of those services (pure).
 */
export function switchedTo(published: Obj, raw: Obj, want: string, away: string): boolean {
  let seen = 0;
  for (const section of ['http', 'tcp', 'udp'] as const) {
    const services = (((published[section] as Obj | undefined)?.services ?? {}) as Obj);
    const loaded = ((raw[RAW_SECTION[section]] ?? {}) as Obj);
    for (const [name, service] of Object.entries(services)) {
      const ips = serverIps(service);
      if (ips.includes(away)) return false;
      if (!ips.includes(want)) continue;
      seen++;
      const held = serverIps(loaded[`${name}@file`]);
      if (!held.length || held.some((ip) => ip !== want)) return false;
    }
  }
  return seen > 0;
}
