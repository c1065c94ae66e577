import { execFile, execFileSync } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs one host-side program (ip, tar, debootstrap, chroot…) by its argv, never through a shell.
 * A failure names the command and ends with its stderr, so a broken test bed says why.
 */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 600_000 }, (err, stdout, stderr) => {
      if (err) {
        const tail = `${stderr}`.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} failed (${err.code ?? err.signal ?? err.message})${tail ? `:\n${tail}` : ''}`));
      } else resolve({ stdout: `${stdout}`, stderr: `${stderr}` });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** The synchronous form, for the process 'exit' safety net (no event loop left there). Never throws. */
export function runQuiet(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** Fails loudly, with the install step, when a host program the real-server bed needs is missing. */
export function requireHostTools(): void {
  const missing: string[] = [];
  const tools: [string, string][] = [['/usr/sbin/debootstrap', 'debootstrap'], ['/usr/bin/systemd-nspawn', 'systemd-container'], ['/usr/bin/ssh-keygen', 'openssh-client']];
  for (const [tool, pkg] of tools) {
    if (!runQuiet('test', ['-x', tool])) missing.push(pkg);
  }
  if (process.getuid?.() !== 0) throw new Error('the real-server test bed runs as root (debootstrap, network namespaces, systemd-nspawn)');
  if (missing.length > 0) throw new Error(`the real-server test bed needs ${missing.join(', ')}; run bash .ci/setup (or: apt-get install ${missing.join(' ')})`);
}
