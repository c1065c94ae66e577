import { homedir } from 'node:os';
import { configPath } from '../config/config-path.js';
import type { Context, Machine } from '../../core/config/model.js';
import { ConfigStore } from '../config/store.js';
import type { Io } from '../output/io.js';
import { Output } from '../output/output.js';
import type { Runner } from '../remote/runner.js';

/** Flags every command accepts (defined on the root program). */
export interface GlobalFlags {
  context?: string;
  json?: boolean;
  verbose?: boolean;
}

/** Opens a runner on a registered machine (the connection is the caller's to close). */
export type ConnectMachine = (name: string, machine: Machine, context: Context) => Promise<Runner>;

/** What a service gets to work with; passed in, never global, so tests can build their own. */
export interface Deps {
  io: Io;
  out: Output;
  store: ConfigStore;
  flags: GlobalFlags;
  /** SSH by default; service tests give a RecordingRunner. */
  connect: ConnectMachine;
}

export function createDeps(io: Io, flags: GlobalFlags): Deps {
  const out = new Output(io, { json: Boolean(flags.json), verbose: Boolean(flags.verbose) });
  const home = io.env.HOME || homedir();
  // ssh2 loads only when a command connects.
  const connect: ConnectMachine = async (name, machine, context) => (await import('./connect-ssh.js')).connectSsh(io, out, name, machine, context);
  return { io, out, store: new ConfigStore(configPath(io.env, home)), flags, connect };
}

/** Reads the config, printing any unknown-key warnings, and registers its secrets for redaction. */
export async function readConfig(deps: Deps) {
  const loaded = await deps.store.read();
  for (const w of loaded.warnings) deps.out.warn(`${deps.store.path}: ${w.where}: ${w.message}`);
  for (const ctx of Object.values(loaded.config.contexts)) {
    for (const m of Object.values(ctx.machines)) deps.out.addSecret(m.infra.cfDnsApiToken?.reveal());
    for (const r of Object.values(ctx.repositories)) deps.out.addSecret(r.credential.reveal());
  }
  return loaded.config;
}
