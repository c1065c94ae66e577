import type { Context, Machine } from '../../core/config/model.js';
import type { Io } from '../output/io.js';
import type { Output } from '../output/output.js';
import { SshRunner } from '../remote/ssh-runner.js';
import { resolveAlias, targetOf } from '../remote/ssh-target.js';

/** The default Deps.connect: one SSH connection, ~/.ssh/config alias applied, pinned key verified, secrets redacted from errors. */
export async function connectSsh(io: Io, out: Output, name: string, machine: Machine, context: Context): Promise<SshRunner> {
  return SshRunner.connect(await resolveAlias(targetOf(name, machine, context), io.env), io.env, (s) => out.redact(s));
}
