import { FIRST_NETWORK_ID, NETWORK_ID_STEP } from '../infra/network.js';

/** The lowest network ID (`2816 + 64·n`) not already used on the machine (pure). */
export function nextNetworkId(used: Iterable<number>): number {
  const taken = new Set(used);
  let id = FIRST_NETWORK_ID;
  while (taken.has(id)) id += NETWORK_ID_STEP;
  return id;
}
