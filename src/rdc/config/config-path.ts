import { join } from 'node:path';

/** `$RDC_CONFIG`, else `$XDG_CONFIG_HOME/rdc/config.yaml`, else `~/.config/rdc/config.yaml` (SYSTEM.md §1). */
export function configPath(env: Record<string, string | undefined>, home: string): string {
  if (env.RDC_CONFIG) return env.RDC_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(home, '.config');
  return join(base, 'rdc', 'config.yaml');
}
