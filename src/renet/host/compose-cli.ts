import { hostExec } from '../infra/host-exec.js';

/** How compose is called on this server: `docker compose …` (v2) or `docker-compose …` (v1), used the same way. */
export interface ComposeCli {
  v2: boolean;
  bin: string;
  /** The arguments before compose's own: `compose` for the plugin, none for v1. */
  base: string[];
}

let chosen: Promise<ComposeCli> | undefined;

/**
 * The one compose chooser: v2 (the Docker CLI plugin) where `docker compose version` works, else v1.
 * v1 is not probed first: it is a Python program whose start alone costs 0.3 s of CPU. Asked once
 * per renet process (the plugin does not come or go while renet runs).
 */
export function composeCli(env: NodeJS.ProcessEnv): Promise<ComposeCli> {
  chosen ??= hostExec('docker', ['compose', 'version'], env).then(({ code }) =>
    code === 0 ? { v2: true, bin: 'docker', base: ['compose'] } : { v2: false, bin: 'docker-compose', base: [] });
  return chosen;
}
