/** The text templates under templates/ that the infra renderers fill (read by services/templates.ts). */
export interface InfraTemplates {
  proxyCompose: string;
  routerUnit: string;
  dynamicDefaults: string;
}

export const INFRA_TEMPLATE_FILES: Record<keyof InfraTemplates, string> = {
  proxyCompose: 'proxy/docker-compose.yml',
  routerUnit: 'systemd/rediacc-router.service',
  dynamicDefaults: 'traefik/rediacc-defaults.yml',
};
