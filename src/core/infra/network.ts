/**
 * Repository network math (SYSTEM.md §4): network ID `2816 + 64·n` owns the loopback /26
 * `127.(id>>16&255).(id>>8&255).(id&255)`; service slot `s` gets base + s + 2 (61 services max).
 */
export const FIRST_NETWORK_ID = 2816;
export const NETWORK_ID_STEP = 64;
export const MAX_SERVICES = 61;

export function isNetworkId(id: number): boolean {
  return Number.isInteger(id) && id >= FIRST_NETWORK_ID && (id - FIRST_NETWORK_ID) % NETWORK_ID_STEP === 0 && id < 2 ** 24;
}

function ipOf(n: number): string {
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export function serviceIp(networkId: number, slot: number): string {
  if (slot < 0 || slot >= MAX_SERVICES) throw new RangeError(`slot ${slot} is outside 0-${MAX_SERVICES - 1}`);
  return ipOf(networkId + slot + 2);
}

/** True when `ip` is a service address (slots 0-60) of the repo with this network ID. */
export function ipBelongsTo(ip: string, networkId: number): boolean {
  const m = /^127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(ip);
  if (!m) return false;
  const n = (Number(m[1]) << 16) + (Number(m[2]) << 8) + Number(m[3]);
  return n >= networkId + 2 && n < networkId + 2 + MAX_SERVICES;
}
