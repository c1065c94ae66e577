import { posix } from 'node:path';
import { isCollection, isPair, isScalar, parseAllDocuments } from 'yaml';
import { outsideReason, type PathScope } from './host-paths.js';
import type { Finding } from './service-policy.js';
import { asObj } from './volume-policy.js';

type Obj = Record<string, unknown>;

/**
 * The files compose itself reads while building the model — `include`, `extends.file`, `env_file`,
 * `label_file`, the project's `.env` — checked BEFORE compose runs: their contents end up inside
 * the model (env_file values become environment), so one outside the repo (`/etc/shadow`, another
 * repo's files) must never be read. Such a path must be literal (compose would interpolate `${…}`)
 * and resolve inside the mount after symlinks. `read` gives a file's text, or undefined when it
 * does not exist; included and extended files are followed. `note` is told every other file compose
 * reads (`.env`, env and label files), checked here by path only: what the model depends on. Pure.
 */
export function checkFileRefs(file: string, scope: Omit<PathScope, 'baseDir'>, read: (path: string) => string | undefined, note: (path: string) => void = () => undefined): Finding[] {
  const found: Finding[] = [];
  const seen = new Set<string>();
  const visit = (path: string, via: string) => {
    const real = scope.realpath(path);
    if (seen.has(real)) return;
    seen.add(real);
    const text = read(real);
    if (text === undefined) return; // compose reports a missing file itself
    const dir = posix.dirname(path);
    const ref = (setting: string, value: unknown, follow: boolean) => {
      if (typeof value !== 'string') return;
      const where = via ? `${via}: ${setting}` : setting;
      if (value.includes('$')) {
        found.push({ setting: where, problem: `${JSON.stringify(value.slice(0, 80))} is interpolated; compose would read whatever it names`, fix: 'write the path literally' });
        return;
      }
      const why = outsideReason(value, { ...scope, baseDir: dir }, false);
      if (why) found.push({ setting: where, problem: why, fix: 'keep the file inside the repo' });
      else if (follow) visit(posix.resolve(dir, value), posix.relative(scope.mount, posix.resolve(dir, value)));
      else note(setting.endsWith('project_directory') ? posix.resolve(dir, value, '.env') : posix.resolve(dir, value));
    };
    // Compose reads the .env beside each project file for interpolation: a symlink out (another repo's secrets) is refused.
    const dotEnv = outsideReason(posix.join(dir, '.env'), { ...scope, baseDir: dir }, false);
    if (dotEnv) found.push({ setting: posix.relative(scope.mount, posix.join(dir, '.env')), problem: dotEnv, fix: 'make .env a regular file of the repo' });
    else note(posix.join(dir, '.env'));
    for (const doc of parseAllDocuments(text, { merge: true, prettyErrors: false, logLevel: 'error' }) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      if (!('errors' in doc) || doc.errors.length) {
        const first = 'errors' in doc ? doc.errors[0]?.message.split('\n')[0] : undefined;
        found.push({ setting: via, problem: `does not parse as YAML: ${yamlMessage(first ?? 'not a YAML stream')}`, fix: 'fix the file', notPolicy: true });
        continue;
      }
      // go-yaml decodes !!binary into the string a path or key would be; refuse it rather than guess.
      if (hasBinary(doc.contents)) {
        found.push({ setting: via, problem: 'uses a !!binary value, which compose would read as text', fix: 'write the value as plain text', notPolicy: true });
        continue;
      }
      let model: Obj;
      try {
        model = asObj(doc.toJS({ maxAliasCount: 1000 }));
      } catch (err) {
        const why = /alias/i.test((err as Error).message) && /count|many|excessive/i.test((err as Error).message) ? 'expands too many YAML aliases' : `does not parse as YAML: ${yamlMessage((err as Error).message.split('\n')[0] ?? '')}`;
        found.push({ setting: via, problem: why, fix: 'fix the file', notPolicy: true });
        continue;
      }
      entries(model.include).forEach((inc, i) => {
        if (typeof inc === 'string') return ref(`include[${i}]`, inc, true);
        const o = asObj(inc);
        entries(o.path).forEach((p, j) => ref(`include[${i}].path[${j}]`, p, true));
        entries(o.env_file).forEach((p, j) => ref(`include[${i}].env_file[${j}]`, p, false));
        if (o.project_directory !== undefined) ref(`include[${i}].project_directory`, o.project_directory, false);
      });
      for (const [name, raw] of Object.entries(asObj(model.services))) {
        const s = asObj(raw);
        const ext = asObj(s.extends);
        if (ext.file !== undefined) ref(`services.${name}.extends.file`, ext.file, true);
        for (const key of ['env_file', 'label_file']) {
          entries(s[key]).forEach((e, j) => ref(`services.${name}.${key}[${j}]`, e && typeof e === 'object' ? (e as Obj).path : e, false));
        }
      }
    }
  };
  visit(file, '');
  return found;
}

/** A YAML parser's message, the parser's own stack overflow said plainly. */
export function yamlMessage(message: string): string {
  return /call stack size/i.test(message) ? 'values are nested too deeply' : message;
}

function entries(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** Whether a YAML node holds a !!binary scalar anywhere, as a value or as a key. */
function hasBinary(node: unknown): boolean {
  if (isScalar(node)) return /binary$/.test(node.tag ?? '');
  if (isPair(node)) return hasBinary(node.key) || hasBinary(node.value);
  if (isCollection(node)) return node.items.some((item) => hasBinary(item));
  return false;
}
