import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { HOST_IMAGES_DIR } from './images.js';
import type { HostNet } from './network.js';

export interface Boot {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** The container's PID 1 (systemd), as this machine sees it: SIGKILL to it ends every process inside. */
  init(): number | undefined;
}

/**
 * systemd-nspawn with the flags the recipe measured: systemd as PID 1 (-b), the host's own network
 * namespace, all capabilities and the keyring/bpf syscalls docker needs, and the unified cgroup
 * hierarchy (without it runc fails on a read-only cpuset). No machined here: --register=no
 * --keep-unit. The console goes to `consoleLog`, kept for failure messages.
 */
export function startNspawn(root: string, net: HostNet, imagesDir: string, consoleLog: string, extraArgs: string[] = []): Boot {
  const out = openSync(consoleLog, 'a');
  const child = spawn('systemd-nspawn', [
    '-q', '-D', root, '-M', net.netns, '--register=no', '--keep-unit',
    `--network-namespace-path=/run/netns/${net.netns}`, '--capability=all', '--system-call-filter=@keyring bpf', '--resolv-conf=off',
    `--bind-ro=${imagesDir}:${HOST_IMAGES_DIR}`, ...extraArgs, '-b',
  ], {
    env: { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1', SYSTEMD_NSPAWN_API_VFS_WRITABLE: '1' },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // An nspawn killed outright leaves its container running: the safety nets kill PID 1 itself.
  return {
    child,
    exited,
    init() {
      if (!child.pid) return undefined;
      try {
        const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        return kids.length > 0 ? Number(kids[0]) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * This machine's loop devices, bound into a host (`bootHost({ loopDevices: true })`) so a plain
 * loop image can be attached there. They are shared with this machine and every other host.
 */
export function loopDeviceArgs(): string[] {
  const loops = readdirSync('/dev').filter((d) => /^loop(\d+|-control)$/.test(d));
  if (!loops.includes('loop-control')) throw new Error('this machine has no /dev/loop-control: the kernel has no loop device support to pass into a host');
  return loops.map((d) => `--bind=/dev/${d}`);
}
