import { parseHealthLabels } from '../../core/compose/health-labels.js';
import { ipBelongsTo } from '../../core/infra/network.js';
import { lintTraefikDynamic } from '../../core/traefik/lint-dynamic.js';
import { LABELS, traefikEnabled } from './labels.js';
import { autoFragment } from './level1.js';
import { labelFragment } from './level2.js';
import { LIMITS } from './limits.js';
import type { ContainerInfo, FragmentResult, RouteSettings } from './model.js';
import { pinRouters } from './pinning.js';

/**
 * The routes of one container, checked on their own: a container whose labels are wrong is
 * reported and contributes nothing, so it can never blank or corrupt anyone else's routes.
 */
export function containerFragment(c: ContainerInfo, settings: RouteSettings, entryPoints = entryPointMap(settings)): FragmentResult | undefined {
  const service = c.labels[LABELS.serviceName];
  const ip = c.labels[LABELS.serviceIp];
  // Not started by renet compose: nothing to route (and nothing to complain about).
  if (service === undefined && ip === undefined && !traefikEnabled(c.labels)) return undefined;
  const errors: string[] = [];
  const count = Object.keys(c.labels).length;
  if (count > LIMITS.allLabels) return { ok: false, errors: [`${count} labels; the limit is ${LIMITS.allLabels} per container`] };
  for (const [key, value] of Object.entries(c.labels)) {
    if (key.startsWith('rediacc.') && value.length > LIMITS.rediaccValue) return { ok: false, errors: [`${key}: the value has ${value.length} characters; the limit is ${LIMITS.rediaccValue}`] };
  }
  if (!service) errors.push(`${LABELS.serviceName} is missing; start the container with renet compose`);
  if (!ip) errors.push(`${LABELS.serviceIp} is missing; start the container with renet compose`);
  else if (!ipBelongsTo(ip, c.networkId)) errors.push(`${LABELS.serviceIp}=${ip} is not an address of repo ${c.networkId}`);
  const labelled = c.labels[LABELS.networkId];
  if (labelled !== undefined && labelled !== String(c.networkId)) errors.push(`${LABELS.networkId}=${labelled} but the container runs on the daemon of repo ${c.networkId}`);
  if (errors.length || !service || !ip) return { ok: false, errors };

  // The rollout reads the same labels (its health gate); a bad one is this container's error like any other.
  const health = parseHealthLabels(c.labels);
  const built = traefikEnabled(c.labels) ? labelFragment(c, service, ip, settings, health.settings) : autoFragment(c, service, ip, settings, health.settings);
  if (health.errors.length || !built.ok) return { ok: false, errors: capped([...health.errors, ...(built.ok ? [] : built.errors)]) };
  const problems = lintTraefikDynamic(built.fragment.config, {
    provider: 'http',
    entryPoints,
    certResolvers: new Set(settings.certResolver ? [settings.certResolver] : []),
    external: { file: { middlewares: new Set(settings.fileMiddlewares) } },
  });
  if (problems.length) return { ok: false, errors: capped(problems.map((p) => `${p.where}: ${p.message}`)) };
  for (const section of ['http', 'tcp', 'udp'] as const) {
    for (const kind of ['routers', 'services', 'middlewares'] as const) {
      for (const name of Object.keys(built.fragment.config[section][kind])) built.fragment.names.push(`${section}.${kind}.${name}`);
    }
  }
  const f = built.fragment;
  const unpinned = pinRouters(f, settings);
  if (unpinned.length) return { ok: false, errors: capped(unpinned) };
  f.claimedHosts = [...new Set(Object.values(f.hosts).flat())];
  for (const section of ['tcp', 'udp'] as const) {
    const routers = Object.keys(f.config[section].routers).filter((name) => section === 'udp' || (f.hosts[`tcp/${name}`] ?? []).length === 0);
    f.catchAll[section] = { routers, entryPoints: [...new Set(routers.flatMap((n) => (f.config[section].routers[n]?.entryPoints as string[]) ?? []))] };
  }
  return built;
}

/** /health and the log carry every container's reasons: a few lines each, however many labels are wrong. */
function capped(errors: string[]): string[] {
  const shown = errors.slice(0, LIMITS.errorsShown).map((e) => (e.length > 400 ? `${e.slice(0, 400)}…` : e));
  return errors.length > shown.length ? [...shown, `… and ${errors.length - shown.length} more`] : shown;
}

export function entryPointMap(settings: RouteSettings): Map<string, 'tcp' | 'udp'> {
  const map = new Map<string, 'tcp' | 'udp'>();
  for (const name of settings.httpEntryPoints) map.set(name, 'tcp');
  for (const port of settings.tcpEntryPorts) map.set(`tcp-${port}`, 'tcp');
  for (const port of settings.udpEntryPorts) map.set(`udp-${port}`, 'udp');
  return map;
}
