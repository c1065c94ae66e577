/** Names Traefik v3.7 accepts where the JSON schemas allow any string (traefik-v3-notes.md §5). */

/** Root keys of the static config (v3.7.9 generated reference); Traefik silently drops others. */
export const STATIC_TOP_LEVEL_KEYS = [
  'global', 'serversTransport', 'tcpServersTransport', 'entryPoints', 'providers', 'api', 'metrics', 'ping',
  'log', 'accessLog', 'tracing', 'hostResolver', 'certificatesResolvers', 'experimental', 'core', 'spiffe', 'ocsp',
] as const;

export const DYNAMIC_TOP_LEVEL_KEYS = ['http', 'tcp', 'udp', 'tls'] as const;

export const TLS_VERSIONS = ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'] as const;

/** Go crypto/tls constant names (Traefik pkg/tls/cipher.go). */
export const CIPHER_SUITES = [
  'TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_FALLBACK_SCSV',
] as const;

export const CURVES = ['CurveP256', 'CurveP384', 'CurveP521', 'X25519', 'X25519MLKEM768'] as const;

export const ACME_KEY_TYPES = ['EC256', 'EC384', 'RSA2048', 'RSA4096', 'RSA8192'] as const;

export const CLIENT_AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;

/** Provider suffixes a reference may carry (`name@file`). */
export const PROVIDER_NAMES = [
  'file', 'http', 'docker', 'swarm', 'kubernetescrd', 'kubernetes', 'kubernetesgateway', 'consulcatalog',
  'nomad', 'ecs', 'consul', 'etcd', 'zookeeper', 'redis', 'internal',
] as const;
