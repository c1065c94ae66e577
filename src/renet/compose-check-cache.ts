import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Slots } from '../core/compose/rewrite.js';
import type { ComposeCli } from './host/compose-cli.js';

/**
 * The verdict of renet compose's check, kept beside the model it wrote, so that an `up` whose
 * inputs did not change skips the three `compose config` runs (about 70 ms each). Sound only because
 * the check is a function of what it looked at, and all of it is in the key or re-checked on use:
 * - every file the check read (compose files, includes, extends, env files, `.env`), by content;
 * - every path it resolved (bind sources, build contexts…), by its realpath now: a bind source
 *   swapped for a symlink to `/` changes no file the check read, but it changes this;
 * - the environment compose runs with (all of it but a few per-connection variables), the arguments, the slots, the other models of the repo, renet itself and compose's plugin;
 * - the model file it wrote, which must still be byte for byte what it wrote.
 * It lives in the repo's own state directory, which no container may bind.
 */
export interface CheckEntry {
  key: string;
  reads: [string, string | null][];
  reals: [string, string][];
  outSha: string;
  slots: Slots;
  /** What the check added to the environment compose runs with (`{SERVICE}_IP`). */
  envAdd: Record<string, string>;
  warnings: string[];
  cli: ComposeCli;
  /** `config --hash=*` of the written model, once the rollout asked for it. */
  hashes?: Record<string, string>;
}

export const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Records what a check looks at on disk, through the two functions it is given for that. */
export class DiskRecorder {
  readonly reads = new Map<string, string | null>();
  readonly reals = new Map<string, string>();
  readonly names = new Set<string>();

  constructor(private readonly resolve: (path: string) => string, private readonly readText: (path: string) => string | undefined) {}

  readonly realpath = (path: string): string => {
    const real = this.resolve(path);
    this.reals.set(path, real);
    return real;
  };

  readonly read = (path: string): string | undefined => {
    const text = this.readText(path);
    this.reads.set(path, text === undefined ? null : sha(text));
    // Every word: only decides whether a volatile variable (keyedEnv) is keyed; a name too many only costs a cache miss.
    if (text !== undefined) for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) this.names.add(m[0]);
    return text;
  };
}

/**
 * Variables that change from one connection to the next (pam_systemd numbers each SSH session in
 * XDG_SESSION_ID) and that no model is expected to use: keyed only when a file the check read names
 * them (as a word: `$SSH_CLIENT`, `environment: [SSH_CLIENT]`).
 */
const VOLATILE = /^(SSH_CLIENT|SSH_CONNECTION|SSH_TTY|SSH_AUTH_SOCK|XDG_SESSION_ID|OLDPWD|_|SHLVL|TERM|COLUMNS|LINES)$/;

/**
 * The environment a model can depend on: all of it, not just the `${NAME}`s the files spell. Compose
 * also takes values from it that no `$` names — `environment: [NAME]`, a bare `NAME` line of an env
 * file, `build.args` — and YAML escapes hide a `$` (`"\x24{NAME}"`) from any scan of the text: a
 * verdict keyed on the scanned names alone ran the values of its first run ever after.
 */
export function keyedEnv(env: NodeJS.ProcessEnv, names: Set<string>): [string, string][] {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && (!VOLATILE.test(e[0]) || names.has(e[0])))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A cache key over everything listed (JSON, in order). */
export function checkKey(parts: unknown[]): string {
  return sha(JSON.stringify(parts));
}

/** The files besides the inputs that a verdict depends on: renet, compose's plugin, the repo's other models. */
export function codeAndModels(out: string): unknown[] {
  const stat = (p: string) => (existsSync(p) ? (({ size, mtimeMs, ino }) => [p, size, mtimeMs, ino])(statSync(p)) : [p]);
  const plugins = ['/usr/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins']
    .map((d) => stat(join(d, 'docker-compose')));
  const dir = dirname(out);
  const models = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.yml') && n !== basename(out)).sort().map((n) => [n, sha(readFileSync(join(dir, n)))]) : [];
  return [stat(process.argv[1] ?? ''), plugins, models];
}

function entryFile(out: string): string {
  return out.replace(/\.yml$/, '.check.json');
}

/** The entry for `key` when everything it looked at is still as it was, else undefined. */
export function lookupCheck(out: string, key: string, resolve: (path: string) => string, readText: (path: string) => string | undefined): CheckEntry | undefined {
  let entry: CheckEntry;
  try {
    entry = JSON.parse(readFileSync(entryFile(out), 'utf8')) as CheckEntry;
    if (entry.key !== key || sha(readFileSync(out)) !== entry.outSha) return undefined;
  } catch {
    return undefined;
  }
  for (const [path, was] of entry.reads) {
    const text = readText(path);
    if ((text === undefined ? null : sha(text)) !== was) return undefined;
  }
  for (const [path, real] of entry.reals) if (resolve(path) !== real) return undefined;
  return entry;
}

/**
 * Keeps `entry` for the model it checked (`outSha`: the bytes this check wrote), only while `out`
 * still is that model: another renet compose of the project may have renamed its own in meanwhile,
 * and a verdict must never vouch for a model it did not check.
 */
export function storeCheck(out: string, entry: CheckEntry): void {
  let now: string | undefined;
  try {
    now = sha(readFileSync(out));
  } catch {
    now = undefined;
  }
  if (now === entry.outSha) writeFileAtomic.sync(entryFile(out), JSON.stringify(entry));
  else dropCheck(out);
}

export function dropCheck(out: string): void {
  rmSync(entryFile(out), { force: true });
}
