import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { ConfigFileError, RdcError, type Problem } from '../errors.js';
import type { RdcConfig } from './model.js';
import { parseConfig } from './parse-config.js';
import { serializeConfig } from './serialize-config.js';

export interface LoadedConfig {
  config: RdcConfig;
  warnings: Problem[];
}

/**
 * The local config file. Reads need no lock (writes replace the file atomically, so a reader sees
 * the old or the new file, never half of one); every write takes a lock, re-reads, applies the
 * change and renames a fully written temp file into place, so concurrent commands never lose an update.
 */
export class ConfigStore {
  constructor(readonly path: string) {}

  async read(): Promise<LoadedConfig> {
    const text = await this.#readText();
    return this.#parse(text ?? '');
  }

  /**
   * Applies `change` under the lock. If `change` throws, nothing is written. The file is written only
   * when its bytes change, with mode 0600 in a 0700 directory.
   */
  async update<T>(change: (config: RdcConfig) => T | Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Loaded here, not at the top: read-only commands never pay for them.
    const [{ default: lockfile }, { default: writeFileAtomic }] = await Promise.all([import('proper-lockfile'), import('write-file-atomic')]);
    let release: (() => Promise<void>) | undefined;
    try {
      release = await lockfile.lock(this.path, {
        realpath: false,
        stale: 10_000,
        retries: { retries: 200, minTimeout: 10, maxTimeout: 100, factor: 1.3 },
      });
    } catch (err) {
      throw new RdcError(`Could not lock ${this.path}: ${(err as Error).message}`, {
        hint: `Another rdc command may be writing the config; if none is running, remove ${this.path}.lock`,
        cause: err,
      });
    }
    try {
      const before = (await this.#readText()) ?? '';
      const { config } = this.#parse(before);
      const result = await change(config);
      const after = renderConfigFile(config);
      // Guard against a bug writing a file the next command could not read.
      const check = parseConfig(parseDocument(after).toJS());
      if (check.errors.length) throw new ConfigFileError(`${this.path} (about to be written)`, check.errors);
      if (after !== before) await writeFileAtomic(this.path, after, { mode: 0o600, fsync: true });
      return result;
    } finally {
      await release();
    }
  }

  async #readText(): Promise<string | undefined> {
    try {
      const info = await stat(this.path);
      if (!info.isFile()) throw new RdcError(`${this.path} is not a file`, { hint: 'Point RDC_CONFIG at a YAML file.' });
      return await readFile(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (err instanceof RdcError) throw err;
      throw new RdcError(`Cannot read the config file ${this.path} (${code ?? (err as Error).message}).`, { hint: 'Check its permissions (rdc keeps it 0600, owned by you), or point RDC_CONFIG elsewhere.' });
    }
  }

  #parse(text: string): LoadedConfig {
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length) {
      throw new ConfigFileError(this.path, doc.errors.map((e) => ({
        where: e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)',
        message: e.message.split('\n')[0] ?? e.message,
      })));
    }
    const { config, errors, warnings } = parseConfig(doc.toJS() ?? {});
    if (errors.length) throw new ConfigFileError(this.path, errors);
    return { config, warnings };
  }
}

export function renderConfigFile(config: RdcConfig): string {
  return `# rdc configuration — written by rdc; hand edits are checked on every read.\n${stringify(serializeConfig(config))}`;
}
