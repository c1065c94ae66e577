/**
 * Bounds on what one container's labels may make the route server write into /routes.json.
 * Traefik decodes that file as a whole: a key over ~1024 characters, a fraction where Go wants an
 * int or a bad duration makes it refuse the WHOLE config and keep its old routes for every repo
 * (checked against the real Traefik in test/e2e/hostile-routes.test.ts). A container over any bound
 * is skipped and reported with the label and the limit; the rest of the machine keeps routing.
 * The limits sit far above what a real app writes and far below what Traefik or memory would mind.
 */
export const LIMITS = {
  /** Labels of any kind on one container (image labels included). */
  allLabels: 1024,
  /** Reasons reported per skipped container, each cut at 400 characters. */
  errorsShown: 20,
  /** `traefik.*` labels on one container. */
  labels: 256,
  /** Characters in one label key. */
  keyLength: 256,
  /** Characters in one label value (a rule, a header value, a list). */
  valueLength: 4096,
  /** Characters in a rule. */
  ruleLength: 1024,
  /** Characters in a router, service or middleware name (namespaced as r{networkId}-NAME). */
  nameLength: 63,
  /** Characters in a map key (header names: customRequestHeaders.X-Name). */
  mapKeyLength: 128,
  /** Items in one comma-separated list value. */
  listItems: 64,
  /** Highest `[n]` index of a list of objects (tls.domains[n]). */
  listIndex: 15,
  /** Routers, services or middlewares of one kind in one section of one container. */
  perKind: 32,
  /** Characters in a `rediacc.*` label value (service name, IP, port lists). */
  rediaccValue: 256,
  /** Whole numbers: Traefik's fields are Go ints. */
  maxNumber: 2_147_483_647,
} as const;

/** Router priorities: a repo orders its own routers; with every rule pinned to hosts it alone owns, no priority reaches another repo. */
export const PRIORITY = { min: 1, max: 10_000 } as const;
