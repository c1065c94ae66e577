/** The labels renet compose injects (seed 002, "Labels Docker") and the ones users may add. */
export const LABELS = {
  serviceName: 'rediacc.service_name',
  serviceIp: 'rediacc.service_ip',
  networkId: 'rediacc.network_id',
  /** Port of the auto route's backend (default 80). */
  servicePort: 'rediacc.service_port',
  /** Comma-separated TCP ports to forward through `tcp-{port}` entrypoints. */
  tcpPorts: 'rediacc.tcp_ports',
  udpPorts: 'rediacc.udp_ports',
  traefikEnable: 'traefik.enable',
} as const;

export function traefikEnabled(labels: Record<string, string>): boolean {
  return (labels[LABELS.traefikEnable] ?? '').trim().toLowerCase() === 'true';
}

/** Parses a port-valued label; on a bad value pushes an error naming the label and returns undefined. */
export function parsePort(value: string, label: string, errors: string[]): number | undefined {
  const n = /^[0-9]{1,5}$/.test(value.trim()) ? Number(value) : NaN;
  if (n >= 1 && n <= 65535) return n;
  errors.push(`${label}=${JSON.stringify(value)} is not a port (a whole number 1-65535)`);
  return undefined;
}
