import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { RdcError } from '../../core/errors.js';
import { toShell, type RemoteCommand } from './command.js';
import { hostKeyFromBlob, matchesPinned } from '../../core/config/host-key.js';
import type { ExecResult, OutputListener, Runner } from './runner.js';
import { RemoteCommandError, SshError, sshFailure, tail } from './ssh-errors.js';
import { needsSudo, sudoRefusal } from './sudo.js';
import type { SshTarget } from './ssh-target.js';

/** The only module that imports ssh2. Handshakes are bounded in time and in number at once. */
/** Handshake time limit; RDC_SSH_TIMEOUT_MS shortens it (tests of a machine that never answers). */
const readyTimeout = (env: Record<string, string | undefined>) => Number(env.RDC_SSH_TIMEOUT_MS) || 10_000;
const MAX_HANDSHAKES = 8;
let handshakes = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (handshakes >= MAX_HANDSHAKES) await new Promise<void>((resolve) => waiting.push(resolve));
  handshakes++;
  try {
    return await work();
  } finally {
    handshakes--;
    waiting.shift()?.();
  }
}

const where = (t: SshTarget) => `${t.machine} (${t.user}@${t.host}:${t.port})`;

/**
 * Connects once and reuses the connection for every command of one rdc command. The server's key
 * must match a pinned key; a different one is refused before any credential is sent.
 */
export class SshRunner implements Runner {
  private constructor(private readonly client: Client, readonly target: SshTarget, private readonly redact: (s: string) => string) {}

  static async connect(target: SshTarget, env: Record<string, string | undefined>, redact: (s: string) => string = (s) => s): Promise<SshRunner> {
    if (target.pinnedKeys.length === 0) {
      throw new SshError('host-key-unpinned', `No host key is pinned for ${where(target)}, so the server cannot be verified.`, `Pin it first: rdc context scan-keys ${target.machine}`);
    }
    const auth = await authOptions(target, env);
    return slot(() => new Promise<SshRunner>((resolve, reject) => {
      const client = new Client();
      let keyRejected = false;
      let settled = false;
      client.once('ready', () => {
        settled = true;
        resolve(new SshRunner(client, target, redact));
      });
      // ssh2 may report more than one error for one failure; only the first one counts.
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        client.end();
        if (settled) return;
        settled = true;
        if (keyRejected) {
          reject(new SshError('host-key-changed', `The host key of ${where(target)} does not match the pinned key: refused, nothing was sent.`,
            `If the server was reinstalled or its keys rotated, check the new fingerprint out of band, then re-pin: rdc context scan-keys ${target.machine}`));
        } else reject(sshFailure(err, where(target), target.machine));
      });
      client.connect({
        host: target.host, port: target.port, username: target.user, readyTimeout: readyTimeout(env), keepaliveInterval: 15_000,
        ...auth,
        hostVerifier: (key: Buffer) => {
          keyRejected = !matchesPinned(key, target.pinnedKeys);
          return !keyRejected;
        },
      } as ConnectConfig);
    }));
  }

  exec(cmd: RemoteCommand, onOutput?: OutputListener): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const sudo = Boolean(cmd.root) && needsSudo(this.target);
      this.client.exec(toShell(cmd, sudo), (err, stream) => {
        if (err) return reject(sshFailure(err, where(this.target), this.target.machine));
        // Bytes are kept until the channel closes and decoded once: a chunk boundary may split a
        // UTF-8 character, and a reply of any size arrives whole.
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let head = ''; // the start of stderr, even when streamed: where sudo says it wants a password
        const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
        // A listener gets the output as it arrives (logs); otherwise it is collected for the caller.
        const on = (which: 'stdout' | 'stderr', into: Buffer[]) => (d: Buffer) => {
          if (which === 'stderr' && head.length < 1000) head += d.toString();
          if (onOutput) onOutput(decoders[which].write(d), which);
          else into.push(d);
        };
        stream.on('data', on('stdout', stdout));
        stream.stderr.on('data', on('stderr', stderr));
        stream.once('close', (code: number | null) => {
          for (const which of ['stdout', 'stderr'] as const) {
            const rest = decoders[which].end();
            if (onOutput && rest) onOutput(rest, which);
          }
          const refused = sudo ? sudoRefusal(this.target, code, head) : undefined;
          if (refused) reject(refused);
          else resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
        });
        // stdin of any size: the channel writes it as the server's window allows; local files
        // follow, each piped in turn (backpressure keeps memory constant).
        if (!cmd.stdinFiles?.length) stream.end(cmd.stdin);
        else {
          pipeFiles(stream, cmd.stdin, cmd.stdinFiles).catch((e: Error) => {
            // A local file that vanished or cannot be read: renet sees a cut stream and stages nothing.
            reject(new RdcError(`${cmd.title} on ${where(this.target)}: could not read a local file: ${e.message}`, { cause: e }));
            stream.close();
          });
        }
      });
    });
  }

  async run(cmd: RemoteCommand): Promise<ExecResult> {
    const result = await this.exec(cmd);
    if (result.code !== 0) throw new RemoteCommandError(where(this.target), cmd.title, result.code, this.redact(tail(result.stderr || result.stdout)));
    return result;
  }

  close(): void {
    this.client.end();
  }
}

/**
 * Connects only far enough to see the server's host key (no authentication is attempted) and
 * returns it as `algorithm base64`, for pinning.
 */
export function scanHostKey(target: SshTarget, env: Record<string, string | undefined>): Promise<string> {
  return slot(() => new Promise<string>((resolve, reject) => {
    const client = new Client();
    let seen: string | undefined;
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      client.end();
      if (seen) resolve(seen);
      else reject(sshFailure(err, where(target), target.machine));
    });
    client.once('ready', () => {
      client.end();
      if (seen) resolve(seen);
    });
    client.connect({
      host: target.host, port: target.port, username: target.user, readyTimeout: readyTimeout(env),
      hostVerifier: (key: Buffer) => {
        seen = hostKeyFromBlob(key);
        // Stop here: the key is all a scan needs, and no credential should go to an unverified server.
        return false;
      },
    } as ConnectConfig);
  }));
}

async function authOptions(target: SshTarget, env: Record<string, string | undefined>): Promise<Partial<ConnectConfig>> {
  const home = env.HOME || homedir();
  const candidates = target.keyPath ? [target.keyPath] : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(home, '.ssh', k));
  for (const path of candidates) {
    const key = await readFile(path).catch(() => undefined);
    if (key) {
      if (/ENCRYPTED/.test(key.toString('utf8', 0, 200)) && !env.SSH_AUTH_SOCK) {
        throw new SshError('auth', `The key ${path} is protected by a passphrase.`, 'Load it into ssh-agent (ssh-add) and make sure SSH_AUTH_SOCK is set.');
      }
      return { privateKey: key, ...(env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {}) };
    }
    if (target.keyPath) throw new SshError('auth', `Cannot read the SSH key ${path} for ${where(target)}.`, `Fix the path: rdc context add-machine … --ssh-key PATH`);
  }
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK };
  throw new SshError('auth', `No SSH key for ${where(target)}: none given, none in ~/.ssh, and no ssh-agent.`, 'Pass --ssh-key PATH to add-machine or context create, or start ssh-agent.');
}

/** Writes `head`, then every file's bytes in order, into a channel, and ends it. */
async function pipeFiles(stream: Writable, head: string | Buffer | undefined, files: string[]): Promise<void> {
  // Written chunk by chunk rather than by pipeline(…, { end: false }) per file: that left its
  // listeners on the channel, one set per file (20,000 files: 20,000 sets, and Node's leak warning).
  const write = async (chunk: string | Buffer) => {
    if (!stream.write(chunk)) await drained(stream);
  };
  if (head !== undefined) await write(head);
  for (const path of files) for await (const chunk of createReadStream(path)) await write(chunk as Buffer);
  stream.end();
}

/** Resolves on 'drain'; rejects if the channel errs or closes first (a wait on 'drain' alone would hang). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', settle);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the channel closed while stdin was being written'));
    stream.once('drain', onDrain);
    stream.once('close', onClose);
    stream.once('error', settle);
  });
}
