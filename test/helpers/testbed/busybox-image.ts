import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from './tools.js';
import type { Dockerd } from './dockerd.js';

const run = promisify(execFile);
export const BUSYBOX_IMAGE = 'tb/busybox:1';

let tarball: string | undefined;

/**
 * A static-busybox image made with `docker import` (no registry exists here). Its default command
 * serves /www with busybox httpd on ${BIND}:${PORT}; `nc -lk` style servers are one `sh -c` away.
 */
export async function importBusybox(daemon: Dockerd): Promise<void> {
  tarball ??= await buildBusyboxRootfsTar();
  await run(requireTool('docker'), ['-H', `unix://${daemon.socket}`, 'import',
    '-c', 'ENV PATH=/bin',
    '-c', 'CMD ["/bin/sh","-c","echo \\"hello from ${NAME:-busybox} at ${BIND}:${PORT}\\" > /www/index.html; exec httpd -f -p ${BIND:-127.0.0.1}:${PORT:-8080} -h /www"]',
    tarball, BUSYBOX_IMAGE]);
}

/** The static-busybox root filesystem as a tar (one per test process); also what real-server hosts import. */
export async function buildBusyboxRootfsTar(): Promise<string> {
  const busybox = requireTool('busybox');
  const dir = mkdtempSync(join(tmpdir(), 'rdc-busybox-'));
  // Built once per test process, removed when it exits.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'rootfs');
  for (const d of ['bin', 'www', 'tmp', 'etc']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(busybox, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  const { stdout } = await run(busybox, ['--list']);
  // Relative links: `busybox --install -s` would point at /usr/bin/busybox, absent in the image.
  for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox')) symlinkSync('busybox', join(root, 'bin', applet));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\n');
  writeFileSync(join(root, 'www/index.html'), 'hello\n');
  chmodSync(join(root, 'tmp'), 0o1777);
  const tar = join(dir, 'rootfs.tar');
  await run('tar', ['-C', root, '-cf', tar, '.']);
  rmSync(root, { recursive: true, force: true });
  return tar;
}
