import type { Check } from '../config/validators.js';

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
const MIN = 64 * 2 ** 20;

/** `--size 10G` (K, M, G, T; binary units) to bytes; at least 64M, enough for ext4 and a daemon's data root. */
export function checkSize(value: string): Check<number> {
  const m = /^([0-9]{1,7})([KMGT]?)i?B?$/i.exec(value.trim());
  const bytes = m ? Number(m[1]) * (UNITS[(m[2] ?? '').toUpperCase()] ?? 1) : NaN;
  if (!Number.isFinite(bytes)) return { ok: false, expected: 'a size like 10G, 512M or 1T' };
  if (bytes < MIN) return { ok: false, expected: 'at least 64M' };
  return { ok: true, value: bytes };
}
