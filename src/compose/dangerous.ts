import { posix } from 'node:path';

type Obj = Record<string, unknown>;

/** Host paths a repo's containers must not mount: they would reach outside the repo's isolation. */
const SYSTEM_PATHS = ['/', '/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/home', '/run', '/var/run', '/var/lib/docker', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/var/lib/rediacc', '/opt/rediacc'];
const DOCKER_SOCKETS = /(^|\/)docker(-[0-9]+)?\.sock$/;
const DANGEROUS_CAPS = ['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'NET_ADMIN', 'SYS_RAWIO'];

/**
 * Settings that would let a service escape its repo (SYSTEM.md §4): each finding names the setting
 * and why, for a message like "service web: privileged: true …". Pure.
 */
export function dangerousSettings(service: Obj): string[] {
  const found: string[] = [];
  if (service.privileged === true) found.push('privileged: true gives the container full root on the host');
  if (service.pid === 'host') found.push('pid: host shares the host\'s processes');
  if (service.ipc === 'host') found.push('ipc: host shares the host\'s IPC namespace');
  if (service.userns_mode === 'host') found.push('userns_mode: host disables user-namespace isolation');
  const mode = service.network_mode;
  if (mode !== undefined && mode !== 'host') found.push(`network_mode: ${String(mode)} (repos use host networking on their own loopback addresses)`);
  for (const cap of asList(service.cap_add)) if (DANGEROUS_CAPS.includes(cap.toUpperCase().replace(/^CAP_/, ''))) found.push(`cap_add: ${cap} grants host-level power`);
  if (asList(service.devices).length) found.push('devices: gives the container host devices');
  for (const source of bindSources(service.volumes)) {
    if (DOCKER_SOCKETS.test(source)) found.push(`volumes: ${source} is a Docker socket (control of every container)`);
    else if (isSystemPath(source)) found.push(`volumes: ${source} is a system path`);
  }
  return found;
}

/** Bind-mount sources of a service's volumes, short (`src:dst[:mode]`) or long (`{type: bind, source}`) syntax. */
export function bindSources(volumes: unknown): string[] {
  const sources: string[] = [];
  for (const v of Array.isArray(volumes) ? volumes : []) {
    if (typeof v === 'string') {
      const source = v.split(':')[0] ?? '';
      if (source.startsWith('/') || source.startsWith('.') || source.startsWith('~')) sources.push(source);
    } else if (v && typeof v === 'object' && (v as Obj).type === 'bind' && typeof (v as Obj).source === 'string') sources.push((v as Obj).source as string);
  }
  return sources;
}

function isSystemPath(source: string): boolean {
  if (!source.startsWith('/')) return false;
  const p = posix.normalize(source).replace(/\/+$/, '') || '/';
  return SYSTEM_PATHS.some((s) => p === s || (s !== '/' && p.startsWith(`${s}/`)));
}

function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
