import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { shellQuote } from '../remote/command.js';
import { lifecycleSteps, rediaccDirs, type Phase } from '../repo/lifecycle-plan.js';

interface LifecycleRequest {
  repoPath: string;
  phase: Phase;
  /** REPOSITORY_*, DOCKER_HOST and every {SERVICE}_IP. */
  env: Record<string, string>;
}

export interface StepResult {
  dir: string;
  fn: string;
  status: 'ok' | 'failed' | 'absent' | 'skipped';
  code: number | null;
  output: string;
}

/** Exit code the step script uses when the Rediaccfile defines no such function. */
const ABSENT = 200;

/**
 * `renet lifecycle` with {repoPath, phase, env} on stdin: runs the Rediaccfiles' functions in the
 * planned order, each in bash with the Rediaccfile sourced from its own directory (`set -e`).
 */
export async function lifecycleCommand(stdin: string): Promise<{ ok: boolean; steps: StepResult[] }> {
  const req = JSON.parse(stdin) as LifecycleRequest;
  const candidates = ['Rediaccfile', ...readdirSync(req.repoPath, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${e.name}/Rediaccfile`)]
    .filter((p) => existsSync(join(req.repoPath, p)));
  const steps = lifecycleSteps(rediaccDirs(candidates), req.phase);
  // Rediaccfiles call `renet compose …`: a `renet` on their PATH runs this very bundle.
  const env = { ...req.env, PATH: `${renetShimDir()}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const results: StepResult[] = [];
  let stopped = false;
  for (const step of steps) {
    if (stopped) {
      results.push({ dir: step.dir, fn: step.fn, status: 'skipped', code: null, output: '' });
      continue;
    }
    const r = await runStep(join(req.repoPath, step.dir), step.fn, env);
    const status = r.code === 0 ? 'ok' : r.code === ABSENT ? 'absent' : 'failed';
    results.push({ dir: step.dir, fn: step.fn, status, code: r.code, output: r.output });
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
    writeFileSync(`${shim}.tmp`, text, { mode: 0o755 });
    renameSync(`${shim}.tmp`, shim);
  }
  return dir;
}

function runStep(dir: string, fn: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // Paths and the function name reach bash as arguments, never inside the script text.
  const script = `set -e; cd "$1"; source ./Rediaccfile; if declare -F "$2" >/dev/null; then "$2"; else exit ${ABSENT}; fi`;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script, 'rediaccfile', dir, fn], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output: output.slice(-8000) }));
  });
}
