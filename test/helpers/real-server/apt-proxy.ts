import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_DIR } from './recipe.js';
import { track, untrack } from './safety-net.js';
import { waitUntil } from './wait.js';

// Not apt-cacher-ng's usual 3142: a system instance on *:3142 would keep this one from binding.
export const APT_PROXY_PORT = 3149;
const ACNG = '/usr/sbin/apt-cacher-ng';

export interface AptProxy {
  url: string;
  stop(): Promise<void>;
}

/**
 * An apt proxy on this side of a host's veth (its only reachable address): Debian's apt-cacher-ng
 * with a config of its own — no mirror remapping, requests go to the host named in the URL — and a
 * package cache shared by every run on this machine. For `machine setup` on a `bare` host.
 */
export async function startAptProxy(bindAddress: string): Promise<AptProxy> {
  if (!existsSync(ACNG)) throw new Error('the bare test host needs apt-cacher-ng on this side; run bash .ci/setup (or: apt-get install apt-cacher-ng)');
  const dir = mkdtempSync(join(tmpdir(), 'rdc-apt-proxy-'));
  const cache = join(CACHE_DIR, 'apt-cacher-ng');
  mkdirSync(cache, { recursive: true });
  mkdirSync(join(dir, 'log'));
  writeFileSync(join(dir, 'acng.conf'), `CacheDir: ${cache}\nLogDir: ${join(dir, 'log')}\nSupportDir: /usr/lib/apt-cacher-ng\n`);
  const child = spawn(ACNG, ['-c', dir, 'ForeGround=1', `Port=${APT_PROXY_PORT}`, `BindAddress=${bindAddress}`,
    `PidFile=${join(dir, 'pid')}`, `SocketPath=${join(dir, 'socket')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const tracked = { kill: () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); } };
  track(tracked);
  const stop = async () => {
    untrack(tracked);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(`apt-cacher-ng on ${bindAddress}:${APT_PROXY_PORT}`, async () => {
      if (child.exitCode !== null) throw new Error(`apt-cacher-ng exited with ${child.exitCode}`);
      return (await canConnect(bindAddress, APT_PROXY_PORT)) ? true : undefined;
    }, 15_000, () => out.trim());
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://${bindAddress}:${APT_PROXY_PORT}`, stop };
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
