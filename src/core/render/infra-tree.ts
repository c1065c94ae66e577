import { parse, stringify } from 'yaml';
import { tlsConfigured, type Infra, type Machine } from '../config/model.js';
import { onServer, SERVER_PATHS } from '../infra/server-layout.js';
import { fillTemplate } from './fill-template.js';
import { execArg, pathListItem } from './systemd-escape.js';
import { byPath, sha256, type RenderedFile } from './rendered-file.js';
import { renderRouterConfig } from './router-config.js';
import type { InfraTemplates } from './templates.js';
import { renderTraefikStatic, TRAEFIK_PATHS } from './traefik-static.js';

const HEADER = '# Rendered by rdc (context push-infra); edits here are overwritten on the next push.\n';

/**
 * Everything `push-infra` puts on a machine (SYSTEM.md §3), as files relative to the root prefix.
 * Pure and deterministic: same machine settings and templates, same bytes.
 */
export function renderInfraTree(machineName: string, machine: Machine, templates: InfraTemplates): RenderedFile[] {
  const infra = machine.infra;
  const staticYaml = HEADER + toYaml(renderTraefikStatic(infra));
  const env = renderProxyEnv(infra);
  const defaults = fillTemplate('rediacc-defaults.yml', templates.dynamicDefaults, { sniStrict: String(sniStrict(infra)) });
  const caRoot = infra.acmeCaRoot ?? '';
  const fileMiddlewares = Object.keys((parse(defaults) as { http?: { middlewares?: object } }).http?.middlewares ?? {}).sort();
  const files: RenderedFile[] = [
    { path: SERVER_PATHS.traefikStatic, content: staticYaml, mode: 0o644 },
    { path: SERVER_PATHS.traefikDynamicDefaults, content: defaults, mode: 0o644 },
    { path: SERVER_PATHS.proxyEnv, content: env, mode: 0o600 },
    {
      path: SERVER_PATHS.proxyCompose,
      content: fillTemplate('docker-compose.yml', templates.proxyCompose, {
        traefikImage: infra.traefikImage,
        configHash: sha256(staticYaml + env + caRoot).slice(0, 16),
      }),
      mode: 0o644,
    },
    { path: SERVER_PATHS.routerConfig, content: `${JSON.stringify(renderRouterConfig(machineName, machine, fileMiddlewares), null, 2)}\n`, mode: 0o644 },
    {
      path: SERVER_PATHS.routerUnit,
      content: fillTemplate('rediacc-router.service', templates.routerUnit, {
        port: String(infra.routeServerPort),
        // Escaped for systemd: the root prefix is the user's (`%` is a specifier there, `$` a variable).
        renet: execArg(onServer(machine.rootPrefix, SERVER_PATHS.renet)),
        config: execArg(onServer(machine.rootPrefix, SERVER_PATHS.routerConfig)),
        stateDir: pathListItem(onServer(machine.rootPrefix, SERVER_PATHS.routerState)),
        socketDir: pathListItem(onServer(machine.rootPrefix, SERVER_PATHS.socketDir)),
        // Where it writes Traefik's routes file (the temp file beside the watched dynamic/ dir).
        traefikDir: pathListItem(onServer(machine.rootPrefix, SERVER_PATHS.traefikDir)),
      }),
      mode: 0o644,
    },
  ];
  if (infra.acmeCaRoot) files.push({ path: SERVER_PATHS.acmeCaRoot, content: infra.acmeCaRoot, mode: 0o644 });
  return files.sort(byPath);
}

/** The 0600 env file: the only place the Cloudflare token exists on the server. */
export function renderProxyEnv(infra: Infra): string {
  const lines = ['# Rendered by rdc (context push-infra). Mode 0600: holds the Cloudflare DNS token for ACME DNS-01.'];
  if (infra.cfDnsApiToken) lines.push(`CF_DNS_API_TOKEN=${infra.cfDnsApiToken.reveal()}`);
  // lego (Traefik's ACME client) adds these roots to the system's when it talks to the ACME server.
  if (infra.acmeCaRoot) lines.push(`LEGO_CA_CERTIFICATES=${TRAEFIK_PATHS.acmeCaRoot}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Refuse handshakes for names without a certificate only where a resolver can issue one: without
 * it, routes on websecure are served with Traefik's default (self-signed) certificate instead.
 */
export function sniStrict(infra: Infra): boolean {
  return tlsConfigured(infra);
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
