import { acmeChallenge, tlsConfigured, type Infra } from '../config/model.js';
import { CERT_RESOLVER, entryPoints, routeEntryPoints, secureEntryPoints } from '../infra/entrypoints.js';

/** Paths inside the Traefik container (see templates/proxy/docker-compose.yml for the mounts). */
export const TRAEFIK_PATHS = {
  staticConfig: '/etc/traefik/traefik.yml',
  dynamicDir: '/etc/traefik/dynamic',
  acmeStorage: '/letsencrypt/acme.json',
  /** The ACME server's root (--acme-ca-root), next to the static config; lego reads LEGO_CA_CERTIFICATES. */
  acmeCaRoot: '/etc/traefik/acme-ca.pem',
} as const;

/**
 * The Traefik v3.7 static configuration for one machine, as plain data (serialised to YAML by the
 * caller). Deterministic: the same settings always give the same object in the same key order.
 */
export function renderTraefikStatic(infra: Infra): Record<string, unknown> {
  const tls = tlsConfigured(infra);
  // Redirect only where an HTTPS entrypoint exists to redirect to (never `web` to itself).
  const redirectTo = tls && secureEntryPoints(infra).length > 0 ? routeEntryPoints(infra).entryPoints[0] : undefined;

  const eps: Record<string, unknown> = {};
  for (const ep of entryPoints(infra)) {
    const entry: Record<string, unknown> = { address: ep.address };
    if ((ep.name === 'web' || ep.name === 'web-v6') && redirectTo) {
      entry.http = { redirections: { entryPoint: { to: redirectTo, scheme: 'https', permanent: true } } };
    }
    eps[ep.name] = entry;
  }

  const config: Record<string, unknown> = {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: 'INFO' },
    entryPoints: eps,
    providers: {
      // Traefik applies the first change after a quiet period at once and coalesces what follows
      // within this window into one reload: a burst costs at most one extra 100 ms, a flapping
      // container at most ten reloads a second (the route server writes no faster either).
      providersThrottleDuration: '100ms',
      // The route server renames its routes file into this directory (fsnotify sees it within
      // milliseconds); the directory is bind-mounted, never the file, so renames stay visible.
      file: { directory: TRAEFIK_PATHS.dynamicDir, watch: true },
    },
    // Always on, on a loopback-only `traefik` entrypoint (entrypoints.ts): rdc reads it to see
    // which routers Traefik really loaded. The dashboard only with --api-port.
    api: { insecure: true, dashboard: infra.apiPort !== undefined },
    // A zero-downtime redeploy (issue 12) drains the old container until it has no connection in
    // progress: Traefik's idle keep-alive connections to backends close after 1 s (default 90 s),
    // so an open connection means a request in flight, and the drain ends when they are done.
    serversTransport: { forwardingTimeouts: { idleConnTimeout: '1s' } },
  };
  if (infra.apiPort !== undefined) config.ping = { entryPoint: 'traefik' };
  if (tls) {
    config.certificatesResolvers = {
      [CERT_RESOLVER]: {
        acme: renderAcme(infra),
      },
    };
  }
  return config;
}

/** The resolver's `acme` section: account, storage, the CA (when not Let's Encrypt) and one challenge. */
function renderAcme(infra: Infra): Record<string, unknown> {
  const acme: Record<string, unknown> = { email: infra.certEmail, storage: TRAEFIK_PATHS.acmeStorage };
  if (infra.acmeCaServer) acme.caServer = infra.acmeCaServer;
  const challenge = acmeChallenge(infra);
  if (challenge === 'dns') {
    const own = infra.acmeDnsResolvers.length > 0;
    acme.dnsChallenge = {
      provider: 'cloudflare',
      resolvers: own ? infra.acmeDnsResolvers : ['1.1.1.1:53', '1.0.0.1:53'],
      // With resolvers of the user's own (split-horizon or internal DNS), what they answer is the
      // truth for this machine: lego checks the TXT record there and not on the zone's
      // authoritative nameservers, which such networks often cannot reach on port 53.
      propagation: own ? { disableANSChecks: true, delayBeforeChecks: '10s' } : { delayBeforeChecks: '10s' },
    };
  } else if (challenge === 'http') {
    // The CA connects to port 80 of the domain: `web`, which answers the challenge before redirecting.
    acme.httpChallenge = { entryPoint: 'web' };
  } else {
    // TLS-ALPN-01: the CA connects to port 443 of the domain (websecure answers it in the handshake).
    acme.tlsChallenge = {};
  }
  return acme;
}
