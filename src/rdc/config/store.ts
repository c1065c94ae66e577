import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document } from 'yaml';
import { ConfigFileError, RdcError, type Problem } from '../../core/errors.js';
import { applyChange, CONFIG_HEADER, parseConfigText, type ConfigText } from '../../core/config/config-document.js';
import type { RdcConfig } from '../../core/config/model.js';
import { parseConfig } from '../../core/config/parse-config.js';
import { serializeConfig } from '../../core/config/serialize-config.js';

const MAX_CONFIG_BYTES = 64 * 2 ** 20;

export interface LoadedConfig {
  config: RdcConfig;
  warnings: Problem[];
}

/**
 * Lock acquisitions in flight. proper-lockfile creates the lock directory before it registers the
 * lock for release at exit: a signal in between would leave the lock behind, so the signal handler
 * (bin/rdc.js) waits for these to settle before it exits.
 */
const lockAcquisitions = new Set<Promise<unknown>>();

export async function lockAcquisitionsSettled(): Promise<void> {
  await Promise.allSettled([...lockAcquisitions]);
}

/**
 * The local config file. Reads need no lock (writes replace the file atomically, so a reader sees
 * the old or the new file, never half of one); every write takes a lock, re-reads, applies the
 * change and renames a fully written temp file into place, so concurrent commands never lose an update.
 * A write changes only the values the command changed: comments and unknown keys of a hand-edited
 * file stay. Everything here is linear in the file's size.
 */
export class ConfigStore {
  constructor(readonly path: string) {}

  async read(): Promise<LoadedConfig> {
    const text = await this.#readText();
    const { loaded } = this.#parse(text ?? '');
    return loaded;
  }

  /**
   * Applies `change` under the lock. If `change` throws, nothing is written. The file is written only
   * when the model changed, with mode 0600 in a 0700 directory.
   */
  async update<T>(change: (config: RdcConfig) => T | Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Loaded here, not at the top: read-only commands never pay for them.
    const [{ default: lockfile }, { default: writeFileAtomic }] = await Promise.all([import('proper-lockfile'), import('write-file-atomic')]);
    let release: (() => Promise<void>) | undefined;
    try {
      const acquiring = lockfile.lock(this.path, {
        realpath: false,
        stale: 10_000,
        retries: { retries: 200, minTimeout: 10, maxTimeout: 100, factor: 1.3 },
      });
      lockAcquisitions.add(acquiring);
      release = await acquiring.finally(() => lockAcquisitions.delete(acquiring));
    } catch (err) {
      throw new RdcError(`Could not lock ${this.path}: ${(err as Error).message}`, {
        hint: `Another rdc command may be writing the config; if none is running, remove ${this.path}.lock`,
        cause: err,
      });
    }
    try {
      const { loaded, parsed } = this.#parse((await this.#readText()) ?? '');
      const before = serializeConfig(loaded.config);
      const result = await change(loaded.config);
      const after = serializeConfig(loaded.config);
      if (isDeepStrictEqual(before, after)) return result;
      const doc = applyChange(parsed.doc, before, after);
      // Guard against a bug writing a file the next command could not read: the data about to be
      // written goes through the same parser as any read (not the text again: that doubled the cost).
      const check = parseConfig(doc.toJS()).errors;
      if (check.length) throw new ConfigFileError(`${this.path} (about to be written)`, check);
      await writeFileAtomic(this.path, doc.toString({ lineWidth: 0 }), { mode: 0o600, fsync: true });
      return result;
    } finally {
      await release();
    }
  }

  async #readText(): Promise<string | undefined> {
    try {
      const info = await stat(this.path);
      if (!info.isFile()) throw new RdcError(`${this.path} is not a file`, { hint: 'Point RDC_CONFIG at a YAML file.' });
      // 100,000 repositories take about 25 MB; a larger file is something else, and is not read into memory.
      if (info.size > MAX_CONFIG_BYTES) throw new ConfigFileError(this.path, [{ where: '(file)', message: `is ${Math.round(info.size / 2 ** 20)} MiB, more than an rdc config ever holds (${MAX_CONFIG_BYTES / 2 ** 20} MiB); is RDC_CONFIG pointing at the right file?` }]);
      return await readFile(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (err instanceof RdcError) throw err;
      throw new RdcError(`Cannot read the config file ${this.path} (${code ?? (err as Error).message}).`, { hint: 'Check its permissions (rdc keeps it 0600, owned by you), or point RDC_CONFIG elsewhere.' });
    }
  }

  #parse(text: string): { loaded: LoadedConfig; parsed: ConfigText } {
    const parsed = parseConfigText(text);
    if (parsed.problems.length) throw new ConfigFileError(this.path, parsed.problems);
    const { config, errors, warnings } = parseConfig(parsed.data);
    if (errors.length) throw new ConfigFileError(this.path, errors);
    return { loaded: { config, warnings }, parsed };
  }
}

/** The whole file for a config, as a fresh write makes it (tests, and the first write). */
export function renderConfigFile(config: RdcConfig): string {
  const doc = new Document(serializeConfig(config));
  doc.commentBefore = CONFIG_HEADER;
  return doc.toString({ lineWidth: 0 });
}
