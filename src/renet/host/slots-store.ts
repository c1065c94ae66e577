import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Slots } from '../../core/compose/rewrite.js';

/**
 * `.rediacc.json` at the repo root: each service's slot, kept across runs (never renumbered). The one
 * reader and writer: `renet compose` stores the slots it ran with, the Rediaccfile environment the
 * slots it gave out first (repo-env.ts).
 */
export function slotsPath(repoPath: string): string {
  return join(repoPath, '.rediacc.json');
}

/** The slots file's text ('' when absent) and its slots; a damaged file is named with the fix. */
export function readSlots(repoPath: string): { text: string; slots: Slots } {
  const file = slotsPath(repoPath);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (!text) return { text, slots: { services: {} } };
  try {
    const slots = JSON.parse(text) as Slots;
    if (slots && typeof slots === 'object' && slots.services && typeof slots.services === 'object') return { text, slots };
  } catch {
    // reported below
  }
  throw new Error(`${file} is not a valid slots file; remove it (services get new slots, so their {SERVICE}_IP may change)`);
}

/** Stores `slots` atomically (a crash leaves the old file or the new one); unchanged text is not written again. */
export function writeSlots(repoPath: string, slots: Slots, before?: string): void {
  const text = `${JSON.stringify(slots, null, 2)}\n`;
  if (text !== before) writeFileAtomic.sync(slotsPath(repoPath), text);
}
