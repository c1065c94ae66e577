import type { RouterConfig } from '../../core/render/router-config.js';

/**
 * Checks the router.json rdc rendered (or a test wrote). Not a general parser: rdc is its only
 * author, so this guards against a truncated or mismatched file and names the first missing field.
 */
export function parseRouterConfig(raw: unknown): RouterConfig {
  const c = raw as Partial<RouterConfig> | null;
  const need = (ok: boolean, field: string) => {
    if (!ok) throw new Error(`router config: "${field}" is missing or invalid`);
  };
  need(typeof c === 'object' && c !== null, '(top level)');
  const cfg = c as RouterConfig;
  need(typeof cfg.listen?.host === 'string' && Number.isInteger(cfg.listen?.port), 'listen');
  need(cfg.baseDomain === null || typeof cfg.baseDomain === 'string', 'baseDomain');
  need(cfg.certWildcard === undefined || typeof cfg.certWildcard === 'string', 'certWildcard');
  for (const f of ['routeEntryPoints', 'httpEntryPoints', 'tcpEntryPorts', 'udpEntryPorts', 'fileMiddlewares'] as const) need(Array.isArray(cfg[f]), f);
  need(typeof cfg.socketDir === 'string' && typeof cfg.stateDir === 'string', 'socketDir/stateDir');
  need(typeof cfg.dynamicFile === 'string' && typeof cfg.dynamicTempDir === 'string', 'dynamicFile/dynamicTempDir');
  need(typeof cfg.traefikApi?.host === 'string' && Number.isInteger(cfg.traefikApi?.port), 'traefikApi');
  need(Number.isInteger(cfg.dynamicTcpRange?.first) && Number.isInteger(cfg.dynamicTcpRange?.last), 'dynamicTcpRange');
  return cfg;
}
