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
  // `project`: an included file's `project_directory`, which compose reads its `.env` from and
  // resolves its relative paths against; both it and the file's own directory are checked.
  const visit = (path: string, via: string, project?: string) => {
    const real = scope.realpath(path);
    const key = project === undefined ? real : `${real}\n${scope.realpath(project)}`;
    if (seen.has(key)) return;
    seen.add(key);
    const text = read(real);
    if (text === undefined) return; // compose reports a missing file itself
    const dirs = [...new Set([posix.dirname(path), ...(project === undefined ? [] : [project])])];
    const dir = dirs[0] as string;
    const ref = (setting: string, value: unknown, follow: boolean, base = dirs, projectDir?: string) => {
      if (typeof value !== 'string') return;
      const where = via ? `${via}: ${setting}` : setting;
      if (value.includes('$')) {
        found.push({ setting: where, problem: `${JSON.stringify(value.slice(0, 80))} is interpolated; compose would read whatever it names`, fix: 'write the path literally' });
        return;
      }
      for (const d of base) {
        const why = outsideReason(value, { ...scope, baseDir: d }, false);
        if (why) found.push({ setting: where, problem: why, fix: 'keep the file inside the repo' });
        else if (follow) visit(posix.resolve(d, value), posix.relative(scope.mount, posix.resolve(d, value)), projectDir);
        else if (!setting.endsWith('project_directory')) note(posix.resolve(d, value));
      }
    };
    // Compose reads the .env of each project directory for interpolation: a symlink out (another repo's secrets) is refused.
    for (const d of dirs) {
      const dotEnv = outsideReason(posix.join(d, '.env'), { ...scope, baseDir: d }, false);
      if (dotEnv) found.push({ setting: posix.relative(scope.mount, posix.join(d, '.env')), problem: dotEnv, fix: 'make .env a regular file of the repo' });
      else note(posix.join(d, '.env'));
    }
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
        if (o.project_directory !== undefined) ref(`include[${i}].project_directory`, o.project_directory, false);
        const projectDir = typeof o.project_directory === 'string' && !o.project_directory.includes('$') ? posix.resolve(dir, o.project_directory) : undefined;
        entries(o.path).forEach((p, j) => ref(`include[${i}].path[${j}]`, p, true, [dir], projectDir));
        entries(o.env_file).forEach((p, j) => ref(`include[${i}].env_file[${j}]`, p, false, [dir]));
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
