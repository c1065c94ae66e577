import { spawn } from 'node:child_process';
import { parse } from 'yaml';
import { composeCli, type ComposeCli } from './host/compose-cli.js';
import { parseHashes, ROLLOUT_ARGS } from './rollout/candidate.js';

type Obj = Record<string, unknown>;

export interface Compose {
  v2: boolean;
  /** How it is called (kept with a check's verdict, so a reuse does not probe again). */
  cli: ComposeCli;
  config(project: string, dir: string, file: string, globals: string[], env: NodeJS.ProcessEnv): Promise<{ model: Obj } | { error: string }>;
  run(project: string, dir: string, file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number>;
  /** `config --hash=*`: each service the command would bring up → the config hash compose compares with its container's label. */
  hashes(project: string, dir: string, file: string, globals: string[], env: NodeJS.ProcessEnv): Promise<Record<string, string> | { error: string }>;
}

/** Compose, as host/compose-cli.ts chose it, for `renet compose`: its model check and its run. */
export async function composeTool(env: NodeJS.ProcessEnv): Promise<Compose> {
  return composeFrom(await composeCli(env));
}

export function composeFrom(chosen: ComposeCli): Compose {
  const { v2, bin: cmd, base: cli } = chosen;
  const base = (project: string, dir: string, file: string) => [...cli, '-p', project, '--project-directory', dir, '-f', file];
  return {
    v2,
    cli: chosen,
    async config(project, dir, file, globals, env) {
      // Every profile: profiles only select services, so the check covers whichever one runs.
      const flags = [...globals.filter((g, i) => !g.startsWith('--profile') && !globals[i - 1]?.match(/^--profile$/)), ...(v2 ? ['--profile', '*'] : [])];
      const r = await capture(cmd, [...base(project, dir, file), ...flags, 'config', ...(v2 ? ['--format', 'json'] : [])], env);
      if (r.code !== 0) return { error: `compose config failed: ${r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 600)}` };
      try {
        return { model: (v2 ? JSON.parse(r.stdout) : parse(r.stdout)) as Obj };
      } catch {
        return { error: 'compose config printed no model' };
      }
    },
    run: (project, dir, file, args, env) => spawnCode(cmd, [...base(project, dir, file), ...args], env, 'inherit'),
    async hashes(project, dir, file, globals, env) {
      const r = await capture(cmd, [...base(project, dir, file), ...globals, ...ROLLOUT_ARGS.hashes()], env);
      return r.code === 0 ? parseHashes(r.stdout) : { error: `compose config --hash failed: ${r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 600)}` };
    },
  };
}

function spawnCode(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdio: 'ignore' | 'inherit' = 'ignore'): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function capture(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', () => resolve({ code: 127, stdout, stderr: `${cmd} not found` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
