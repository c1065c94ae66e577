import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.js';
import { track } from './safety-net.js';

let made: Promise<{ privateKeyPath: string; publicKey: string }> | undefined;

/** One ed25519 client key per test process, authorized on every host it boots; removed at exit. */
export function clientKey(): Promise<{ privateKeyPath: string; publicKey: string }> {
  made ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdc-real-key-'));
    // Removed at exit and on a signal too (the safety net re-raises signals, so no 'exit' follows).
    track({ kill: () => rmSync(dir, { recursive: true, force: true }) });
    const privateKeyPath = join(dir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rdc-test', '-f', privateKeyPath]);
    return { privateKeyPath, publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8') };
  })();
  return made;
}
