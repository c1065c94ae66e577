import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../core/render/rendered-file.js';
import type { SourceFile } from '../../core/repo/sync-plan.js';

/**
 * The pre-start compose check (compose-precheck.ts) is skipped when nothing it read can differ from
 * its last pass: the same synced files (by hash), the same renet (its policy), the same repo. It
 * only gives the early, exit-2 refusal; `renet compose` still checks the canonical model every
 * time it runs, so a skipped pre-check never lets a refused model run.
 */
export function precheckKey(manifest: SourceFile[], networkId: number): string {
  const files = manifest.map((f) => `${f.path}\0${f.sha256}`).sort().join('\n');
  return sha256(`${networkId}\n${sha256(readFileSync(process.argv[1] as string))}\n${files}`);
}

function markerPath(mount: string): string {
  return join(mount, '.rediacc', 'precheck-passed');
}

export function precheckPassed(mount: string, key: string): boolean {
  try {
    return readFileSync(markerPath(mount), 'utf8') === key;
  } catch {
    return false;
  }
}

/** Records a pass (`key`), or forgets it (undefined) after a refusal. */
export function recordPrecheck(mount: string, key: string | undefined): void {
  if (key === undefined) {
    rmSync(markerPath(mount), { force: true });
    return;
  }
  mkdirSync(join(mount, '.rediacc'), { recursive: true, mode: 0o700 });
  writeFileSync(markerPath(mount), key, { mode: 0o600 });
}
