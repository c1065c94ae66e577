import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SshTarget {
  host: string;
  username: string;
  privateKeyPath: string;
  /** `ssh-ed25519 AAAA… comment`: the only key this client accepts from the host. */
  hostKey: string;
}

/**
 * One command over a fresh SSH connection, the host verified against its known key. The test
 * bed's own door into a host (set-up, assertions); rdc itself goes through src/remote.
 */
export function sshExec(target: SshTarget, command: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<SshResult> {
  const pinned = Buffer.from(target.hostKey.split(/\s+/)[1] ?? '', 'base64');
  return new Promise((resolve, reject) => {
    const client = new Client();
    let done = false;
    const finish = (err: Error | undefined, result?: SshResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.end();
      if (err) reject(err);
      else resolve(result as SshResult);
    };
    const timer = setTimeout(() => finish(new Error(`ssh ${target.username}@${target.host} \`${command}\`: no answer within ${opts.timeoutMs ?? 120_000} ms`)), opts.timeoutMs ?? 120_000);
    client.once('ready', () => {
      client.exec(command, (err, stream) => {
        if (err) return finish(err);
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.once('close', (code: number | null) => finish(undefined, { code, stdout, stderr }));
        stream.end(opts.stdin);
      });
    });
    client.on('error', (err) => finish(new Error(`ssh ${target.username}@${target.host}: ${err.message}`)));
    // A host going down (poweroff) may close the connection before the command reports its end.
    client.on('close', () => finish(new Error(`ssh ${target.username}@${target.host}: the connection closed before \`${command}\` ended`)));
    client.connect({
      host: target.host, port: 22, username: target.username, privateKey: readFileSync(target.privateKeyPath), readyTimeout: 5_000,
      hostVerifier: (key: Buffer) => key.equals(pinned),
    });
  });
}
