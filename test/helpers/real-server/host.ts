import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { startAptProxy, type AptProxy } from './apt-proxy.js';
import { join } from 'node:path';
import { rootfsTarball } from './build-rootfs.js';
import { clientKey } from './client-key.js';
import { makeDisk, type HostUser } from './disk.js';
import { detachLoopsOf } from './loops.js';
import { imageTarsDir, importImagesCommand } from './images.js';
import { claimNet, releaseNet, updateClaim, type HostNet } from './network.js';
import { loopDeviceArgs, startNspawn, type Boot } from './nspawn.js';
import type { Variant } from './recipe.js';
import { track, untrack } from './safety-net.js';
import { sshExec, type SshResult } from './ssh.js';
import { waitUntil } from './wait.js';

export const HOSTS_DIR = '/var/tmp/rdc-test-hosts';

export interface RealHost {
  /** Machine and host name, also its network namespace: `rdctN`. */
  name: string;
  /** The server's address (10.213.N.2) and this side's (10.213.N.1). */
  address: string;
  gateway: string;
  variant: Variant;
  /** `ssh-ed25519 AAAA…`: what `rdc context add-machine` must pin. */
  hostKey: string;
  /** The private key authorized for root, deploy and alice. */
  clientKey: string;
  ssh(user: HostUser, command: string, opts?: { stdin?: string; timeoutMs?: number }): Promise<SshResult>;
  /** As root; throws with the output unless the command exits 0. */
  sh(command: string, opts?: { stdin?: string; timeoutMs?: number }): Promise<string>;
  /** `systemctl poweroff`, then a boot of the same disk. Resolves once sshd answers (`ready`: and docker). */
  reboot(opts?: { until?: 'ssh' | 'ready' }): Promise<{ downMs: number; bootToSshMs: number }>;
  /** The last lines of the host's console, for failure messages. */
  console(lines?: number): string;
  /** Kills the host (its disk is thrown away, so no clean poweroff), removes its network and its disk. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Boots a fresh Debian 12 server (../shared/docs/real-server-testbed.md): systemd as PID 1, its
 * own disk unpacked from the cached tarball, its own network namespace and address, sshd
 * answering for root, deploy (NOPASSWD sudo) and alice (sudo with a password). For `full`, docker
 * is active under systemd and the Traefik and busybox images are imported before this resolves.
 */
export async function bootHost(opts: { variant?: Variant; aptProxy?: boolean; loopDevices?: boolean } = {}): Promise<RealHost> {
  const variant = opts.variant ?? 'full';
  // A bare host installs through apt; the full one may too (e.g. cryptsetup), when asked.
  const wantsProxy = opts.aptProxy ?? variant === 'bare';
  const [tarball, imagesDir, key] = await Promise.all([rootfsTarball(variant), imageTarsDir(), clientKey()]);
  mkdirSync(HOSTS_DIR, { recursive: true });
  let dir = '';
  const net: HostNet = await claimNet((n) => ({ dir: (dir = join(HOSTS_DIR, `${n.netns}-${process.pid}`)) }));
  const root = join(dir, 'root');
  const consoleLog = join(dir, 'console.log');
  let boot: Boot | undefined;
  let aptProxy: AptProxy | undefined;
  const tracked = { kill: () => killNow(boot, net, dir, opts.loopDevices) };
  track(tracked);
  const tail = (lines = 40) => (existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8').trim().split('\n').slice(-lines).join('\n') : '');

  const host: RealHost = {
    name: net.netns, address: net.address, gateway: net.gateway, variant, hostKey: '', clientKey: key.privateKeyPath,
    ssh: (user, command, o) => sshExec({ host: net.address, username: user, privateKeyPath: key.privateKeyPath, hostKey: host.hostKey }, command, o),
    async sh(command, o) {
      const r = await host.ssh('root', command, o);
      if (r.code !== 0) throw new Error(`on ${net.netns}: \`${command}\` exited ${r.code}:\n${(r.stderr || r.stdout).trim().split('\n').slice(-20).join('\n')}`);
      return r.stdout;
    },
    async reboot(o = {}) {
      const t0 = Date.now();
      await host.ssh('root', 'systemctl poweroff').catch(() => undefined);
      await waitExit(boot as Boot, 60_000, () => tail());
      const downMs = Date.now() - t0;
      const t1 = Date.now();
      await start();
      const bootToSshMs = Date.now() - t1;
      if ((o.until ?? 'ready') === 'ready') await ready();
      return { downMs, bootToSshMs };
    },
    console: tail,
    async stop() {
      untrack(tracked);
      if (boot && boot.child.exitCode === null && boot.child.signalCode === null) {
        // The disk is thrown away: no clean poweroff (docker would give each container 10 s).
        // SIGKILL to the container's PID 1 ends every process inside; nspawn then exits by itself.
        const init = boot.init();
        try {
          if (init) process.kill(init, 'SIGKILL');
          else boot.child.kill('SIGTERM');
        } catch {
          // already gone
        }
        const gone = await within(boot.exited, 20_000);
        if (!gone) killNow(boot, net, dir, opts.loopDevices);
      }
      await aptProxy?.stop();
      if (opts.loopDevices) detachLoopsOf(root);
      releaseNet(net);
      rmSync(`/run/systemd/nspawn/propagate/${net.netns}`, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };

  async function start(): Promise<void> {
    boot = startNspawn(root, net, imagesDir, consoleLog, opts.loopDevices ? loopDeviceArgs() : []);
    const b = boot;
    await waitUntil(`${net.netns}'s container to start`, async () => b.init(), 20_000, () => tail());
    updateClaim(net, { init: b.init(), nspawn: b.child.pid });
    await waitUntil(`sshd on ${net.address}`, async () => {
      if (b.child.exitCode !== null) throw new Error(`systemd-nspawn exited with ${b.child.exitCode}`);
      const r = await host.ssh('root', 'true', { timeoutMs: 5_000 }).catch(() => undefined);
      return r?.code === 0 ? true : undefined;
    }, 90_000, () => tail());
  }

  async function ready(): Promise<void> {
    // `degraded` is fine (a unit a container cannot run); `starting` is not.
    await host.ssh('root', 'systemctl is-system-running --wait', { timeoutMs: 90_000 });
    if (variant === 'full') {
      await waitUntil(`docker to be active on ${net.netns}`, async () => ((await host.ssh('root', 'systemctl is-active docker')).stdout.trim() === 'active' ? true : undefined),
        60_000, () => '');
    }
  }

  try {
    host.hostKey = (await makeDisk(tarball, root, net.netns, key.publicKey)).hostKey;
    if (wantsProxy) {
      aptProxy = await startAptProxy(net.gateway);
      // The host reaches nothing but this side: apt goes through the proxy there.
      writeFileSync(join(root, 'etc/apt/apt.conf.d/01rdc-test-proxy'), `Acquire::http::Proxy "${aptProxy.url}";\n`);
    }
    await start();
    await ready();
    // Up to 10 min: importing the Traefik and busybox tars inside nspawn on slow IO can near the default 120 s.
    if (variant === 'full') await host.sh(importImagesCommand(), { timeoutMs: 600_000 });
    return host;
  } catch (err) {
    const log = tail();
    await host.stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}${log ? `\n--- console of ${net.netns} ---\n${log}` : ''}`);
  }
}

async function waitExit(boot: Boot, ms: number, log: () => string): Promise<void> {
  if (!(await within(boot.exited, ms))) throw new Error(`the host did not power off within ${ms} ms\n${log()}`);
}

/** Whether `p` settles within `ms`; the timer is cleared either way (a pending one keeps the test process alive). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Synchronous, for failures and the exit safety net: PID 1 of the container first, then nspawn. */
function killNow(boot: Boot | undefined, net: HostNet, dir: string, loops = false): void {
  const init = boot?.init();
  if (init) {
    try { process.kill(init, 'SIGKILL'); } catch { /* already gone */ }
  }
  if (boot?.child.pid && boot.child.exitCode === null) {
    try { process.kill(boot.child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  if (loops && dir) detachLoopsOf(join(dir, 'root'));
  releaseNet(net);
  if (dir) rmSync(dir, { recursive: true, force: true });
}
