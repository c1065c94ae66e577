/**
 * The shape of Traefik's dynamic config: which keys exist (canonical camelCase), and the type of
 * each value. Traefik matches keys case-insensitively, so labels may say `loadbalancer` for
 * `loadBalancer`; this tree gives back the canonical spelling and the JSON type.
 */
export type KeyNode =
  | 'string'
  /** A whole number: Traefik's fields are Go ints, and a fraction makes it refuse the whole config. */
  | 'number'
  /** Go's duration (`10s`, `1m30s`) or a whole number of seconds. */
  | 'duration'
  | 'boolean'
  | { fields: Record<string, KeyNode> }
  | { list: KeyNode }
  | { map: KeyNode };

/** Finds a field by case-insensitive name; returns its canonical name and shape. */
export function findField(node: KeyNode, key: string): [string, KeyNode] | undefined {
  if (typeof node !== 'object' || !('fields' in node)) return undefined;
  const lower = key.toLowerCase();
  for (const [name, child] of Object.entries(node.fields)) if (name.toLowerCase() === lower) return [name, child];
  return undefined;
}
