import type { Secret } from '../util/secret.js';
import type { AcmeChallenge } from './acme-validators.js';
import type { VolumeKind } from './validators.js';

/** The whole local state (SYSTEM.md §1). Obtained only through parseConfig(). */
export interface RdcConfig {
  currentContext: string | undefined;
  contexts: NameMap<Context>;
}

/**
 * Contexts, machines and repositories by name. Always made by nameMap(): an object without a
 * prototype, so a user's name such as `constructor` or `__proto__` is an ordinary key and a lookup of
 * a missing one is undefined, never an Object.prototype member.
 */
export type NameMap<T> = Record<string, T>;

export function nameMap<T>(entries: Iterable<[string, T]> = []): NameMap<T> {
  const map = Object.create(null) as NameMap<T>;
  for (const [k, v] of entries) map[k] = v;
  return map;
}

/** The entry of a name map, own properties only (safe on a map a caller built as a plain object). */
export function entryOf<T>(map: NameMap<T>, name: string): T | undefined {
  return Object.hasOwn(map, name) ? map[name] : undefined;
}

/** A kubectl-style context: a set of machines and the repositories living on them. */
export interface Context {
  /** SSH private key used for machines that do not name their own. */
  sshKey: string | undefined;
  /** The machine `-m` defaults to. */
  defaultMachine: string | undefined;
  machines: NameMap<Machine>;
  repositories: NameMap<Repository>;
}

export interface Machine {
  host: string;
  user: string;
  port: number;
  sshKey: string | undefined;
  /** Pinned host keys, `algo base64` as in known_hosts (without the host column). */
  hostKeys: string[];
  datastore: string;
  /** Prefix under which renet keeps every path it owns (`/` on a real server; temp dirs in tests). */
  rootPrefix: string;
  infra: Infra;
  /** The Cloudflare zone of the base domain, looked up once and cached (`dns sync`). */
  dnsZone: { id: string; name: string } | undefined;
}

/** What `set-infra` stores and `push-infra` renders (SYSTEM.md §3). */
export interface Infra {
  publicIPv4: string | undefined;
  publicIPv6: string | undefined;
  baseDomain: string | undefined;
  certEmail: string | undefined;
  cfDnsApiToken: Secret | undefined;
  /** Extra TCP entrypoints on top of the preconfigured ones; sorted, unique. */
  tcpPorts: number[];
  udpPorts: number[];
  httpPort: number;
  httpsPort: number;
  /** Bind web/tcp/udp entrypoints here instead of every interface. */
  listenAddress: string | undefined;
  traefikImage: string;
  routeServerPort: number;
  /** Traefik API/dashboard on 127.0.0.1:{apiPort} (off when unset). */
  apiPort: number | undefined;
  /** The ACME challenge; unset: DNS-01 with a Cloudflare token, else TLS-ALPN-01 (see acmeChallenge()). */
  acmeChallenge: AcmeChallenge | undefined;
  /** Another ACME directory than Let's Encrypt's (staging, an internal CA, the test CA). */
  acmeCaServer: string | undefined;
  /** PEM of the root Traefik trusts for that directory's HTTPS (pushed as a file, LEGO_CA_CERTIFICATES). */
  acmeCaRoot: string | undefined;
  /** DNS-01: the resolvers lego finds the zone and checks the TXT record with (`ip:port`); empty: Cloudflare's public ones. */
  acmeDnsResolvers: string[];
}

export interface Repository {
  machine: string;
  guid: string;
  networkId: number;
  /** The local source directory `repo up` syncs (remembered from `--path`). */
  path: string | undefined;
  /** The volume passphrase (LUKS); sent to the server on stdin only, never stored there. */
  credential: Secret;
  /** The kind of volume the server made for it, once known. */
  volume: VolumeKind | undefined;
}

export const DEFAULTS = {
  contextName: 'default',
  port: 22,
  datastore: '/mnt/rediacc',
  rootPrefix: '/',
  httpPort: 80,
  httpsPort: 443,
  traefikImage: 'traefik:v3.7',
  routeServerPort: 7111,
} as const;

export function emptyInfra(): Infra {
  return {
    publicIPv4: undefined,
    publicIPv6: undefined,
    baseDomain: undefined,
    certEmail: undefined,
    cfDnsApiToken: undefined,
    tcpPorts: [],
    udpPorts: [],
    httpPort: DEFAULTS.httpPort,
    httpsPort: DEFAULTS.httpsPort,
    listenAddress: undefined,
    traefikImage: DEFAULTS.traefikImage,
    routeServerPort: DEFAULTS.routeServerPort,
    apiPort: undefined,
    acmeChallenge: undefined,
    acmeCaServer: undefined,
    acmeCaRoot: undefined,
    acmeDnsResolvers: [],
  };
}

export function emptyConfig(): RdcConfig {
  return { currentContext: undefined, contexts: nameMap() };
}

export function emptyContext(): Context {
  return { sshKey: undefined, defaultMachine: undefined, machines: nameMap(), repositories: nameMap() };
}

/** The challenge Traefik uses: the one chosen, else DNS-01 with a Cloudflare token, else TLS-ALPN-01. */
export function acmeChallenge(infra: Infra): AcmeChallenge {
  return infra.acmeChallenge ?? (infra.cfDnsApiToken !== undefined ? 'dns' : 'tls');
}

/**
 * A certificate resolver exists once an account email is set (DNS-01 also needs the token, which
 * set-infra enforces; a hand-edited file without it gets no resolver rather than a broken one).
 */
export function tlsConfigured(infra: Infra): boolean {
  return infra.certEmail !== undefined && (acmeChallenge(infra) !== 'dns' || infra.cfDnsApiToken !== undefined);
}
