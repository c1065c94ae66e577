import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { shellQuote } from '../../core/util/shell-quote.js';
import { lifecycleSteps, rediaccDirs, type Phase } from '../../core/repo/lifecycle-plan.js';
import type { LifecycleStepReport } from '../../core/protocol/repo-reply.js';
import { containerWritten } from './rediaccfile-guard.js';
import { openSession, SESSION_VARIABLE } from '../lifecycle-session.js';

export type StepResult = LifecycleStepReport;

/** Exit code the step script uses when the Rediaccfile defines no such function. */
const ABSENT = 200;

/** The directories of a repo that hold a Rediaccfile: the root, then first-level subdirs A→Z. */
export function repoRediaccDirs(repoPath: string): string[] {
  const candidates = ['Rediaccfile', ...readdirSync(repoPath, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${e.name}/Rediaccfile`)];
  return rediaccDirs(candidates.filter((p) => existsSync(join(repoPath, p))));
}

/**
 * Runs the Rediaccfiles' functions in the order of SYSTEM.md §4, each in bash with its Rediaccfile
 * sourced from its own directory (`set -e`); `only` keeps one function's steps. `env` holds REPOSITORY_*, DOCKER_HOST and every {SERVICE}_IP.
 * `unsafe` (only ever from the repo-level request, `rdc repo up --unsafe`) lets their `renet compose` skip the compose policy;
 * `rootPrefix` (the machine's) lets it switch routed services without downtime (lifecycle-session.ts).
 */
export async function runLifecycle(repoPath: string, phase: Phase, env: Record<string, string>, only?: 'prep' | 'up' | 'down', unsafe = false, rootPrefix?: string): Promise<{ ok: boolean; steps: StepResult[] }> {
  const session = openSession({
    mount: repoPath, name: env.REPOSITORY_NAME ?? '', networkId: Number(env.REPOSITORY_NETWORK_ID), dockerHost: env.DOCKER_HOST ?? '', unsafe,
    ...(rootPrefix !== undefined ? { rootPrefix } : {}),
  });
  try {
    return await runSteps(repoPath, phase, { ...env, ...session.env }, only, unsafe);
  } finally {
    session.close();
  }
}

async function runSteps(repoPath: string, phase: Phase, env: Record<string, string>, only: 'prep' | 'up' | 'down' | undefined, unsafe: boolean): Promise<{ ok: boolean; steps: StepResult[] }> {
  const steps = lifecycleSteps(repoRediaccDirs(repoPath), phase).filter((s) => !only || s.fn === only);
  // Rediaccfiles call `renet compose …`: a `renet` on their PATH runs this very bundle.
  const fullEnv = { ...env, PATH: `${renetShimDir()}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const results: StepResult[] = [];
  let stopped = false;
  for (const step of steps) {
    if (stopped) {
      results.push({ dir: step.dir, fn: step.fn, status: 'skipped', code: null, output: '', ms: 0 });
      continue;
    }
    const started = performance.now();
    // An --unsafe repo's containers may be privileged anyway: the guard would protect nothing there.
    const reach = unsafe ? undefined : await containerWritten(repoPath, step.dir, env.DOCKER_HOST);
    if (reach) {
      results.push({ dir: step.dir, fn: step.fn, status: 'failed', code: null, output: `renet lifecycle: refused to run ${reach}`, ms: 0 });
      if (step.onFailure === 'stop') stopped = true;
      continue;
    }
    const r = await runStep(join(repoPath, step.dir), step.fn, fullEnv);
    const status = r.code === 0 ? 'ok' : r.code === ABSENT ? 'absent' : 'failed';
    results.push({ dir: step.dir, fn: step.fn, status, code: r.code, output: r.output, ms: Math.round(performance.now() - started) });
    if (status === 'failed' && step.onFailure === 'stop') stopped = true;
  }
  return { ok: !results.some((r) => r.status === 'failed'), steps: results };
}

/** A directory holding a `renet` script that execs this bundle (created once, next to it). */
function renetShimDir(): string {
  const self = process.argv[1] as string;
  const dir = join(dirname(self), 'path');
  const shim = join(dir, 'renet');
  const text = `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(self)} "$@"\n`;
  if (!existsSync(shim) || readFileSync(shim, 'utf8') !== text) {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic.sync(shim, text, { mode: 0o755 });
  }
  return dir;
}

function runStep(dir: string, fn: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // Paths and the function name reach bash as arguments, never inside the script text.
  const script = `set -e; cd "$1"; source ./Rediaccfile; if declare -F "$2" >/dev/null; then "$2"; else exit ${ABSENT}; fi`;
  return new Promise((resolve) => {
    // A session renet itself inherited is never passed on: only this lifecycle's own one counts.
    const { [SESSION_VARIABLE]: _inherited, ...inherited } = process.env;
    const child = spawn('bash', ['-c', script, 'rediaccfile', dir, fn], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output: output.slice(-8000) }));
  });
}
