import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from '../helpers/paths.js';

/**
 * The folder map is the architecture (README, "Layout"): src/rdc is the workstation program,
 * src/renet the server program, src/core the pure code both share. Imports point one way:
 * - core imports neither program, and nothing that reaches disk, network, processes or the terminal;
 * - renet never imports rdc (it is uploaded alone), and rdc never imports renet (they talk over SSH);
 * - inside rdc, commands → services → the rest (runner, store, clients, output), never back up.
 * Every import of every file is read with the TypeScript parser: static, `export … from`, `import()`
 * and `import('…')` types alike, type-only imports included (a type is still a dependency).
 */
type Program = 'rdc' | 'renet' | 'core';
const PROGRAMS: readonly Program[] = ['rdc', 'renet', 'core'];

/** Modules that do I/O: none may be imported by core. node:net is allowed for its address parsers only. */
const IO_MODULES = new Set(['node:fs', 'node:fs/promises', 'node:child_process', 'node:net', 'node:http', 'node:https', 'node:http2', 'node:tls',
  'node:dgram', 'node:dns', 'node:os', 'node:readline', 'node:stream', 'node:stream/promises', 'node:worker_threads', 'node:cluster', 'node:process',
  'ssh2', 'ssh-config', 'dockerode', 'cloudflare', 'proper-lockfile', 'write-file-atomic', 'chalk', 'ora', 'commander']);
const PURE_NET = new Set(['isIP', 'isIPv4', 'isIPv6', 'BlockList']);

const ALLOWED: readonly { file: string; imports: string; why: string }[] = [
  { file: 'src/core/util/file-hash.ts', imports: 'node:fs', why: 'sync by hash: rdc hashes the source tree and renet its copy, with one function so the two always agree' },
  { file: 'src/core/util/file-hash.ts', imports: 'node:stream/promises', why: 'the same: the streamed hash of a file of any size' },
];

interface Import { specifier: string; names: string[] | 'all' }

/** Every module a file imports, with the names taken (or 'all' for a namespace, default or side-effect import). */
export function importsOf(path: string, text: string): Import[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) && !clause.name ? clause.namedBindings.elements.map((e) => (e.propertyName ?? e.name).text) : 'all';
      found.push({ specifier: node.moduleSpecifier.text, names: named });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, names: 'all' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      found.push({ specifier: arg && ts.isStringLiteralLike(arg) ? arg.text : '(computed)', names: 'all' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, names: 'all' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Which program a path under src/ belongs to. */
export function programOf(path: string): Program | undefined {
  return PROGRAMS.find((p) => path.startsWith(`src/${p}/`));
}

/** What is wrong with one import of `file` (a path under src/), or undefined. */
export function violation(file: string, imp: Import): string | undefined {
  const from = programOf(file);
  if (imp.specifier === '(computed)') return `${file}: import() of a computed specifier (the layering cannot be checked)`;
  if (imp.specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), imp.specifier));
    const to = programOf(target);
    if (!to) return `${file} imports ${imp.specifier}, outside src/rdc, src/renet and src/core`;
    if (from === 'core' && to !== 'core') return `${file} (core) imports ${target}: core is shared by both programs and imports neither`;
    if (from === 'renet' && to === 'rdc') return `${file} (renet) imports ${target}: renet is uploaded alone and cannot carry workstation code`;
    if (from === 'rdc' && to === 'renet') return `${file} (rdc) imports ${target}: rdc reaches renet over SSH (src/core/protocol), never through its code`;
    if (from === 'rdc' && to === 'rdc') return rdcLayer(file, target);
    return undefined;
  }
  if (from !== 'core' || !IO_MODULES.has(imp.specifier)) return undefined;
  if (imp.specifier === 'node:net' && imp.names !== 'all' && imp.names.every((n) => PURE_NET.has(n))) return undefined;
  if (ALLOWED.some((a) => a.file === file && a.imports === imp.specifier)) return undefined;
  return `${file} (core) imports ${imp.specifier}${imp.names === 'all' ? '' : ` { ${imp.names.join(', ')} }`}: core does no I/O; move the file to the program that uses it`;
}

/**
 * Inside rdc: commands (thin) → services (orchestration) → the rest (runner, store, Cloudflare
 * client, output). Commands reach the runner, the store and Cloudflare only through a service.
 */
function rdcLayer(file: string, target: string): string | undefined {
  const layer = (p: string) => (p.startsWith('src/rdc/commands/') ? 'commands' : p.startsWith('src/rdc/services/') ? 'services' : /^src\/rdc\/[^/]+\.ts$/.test(p) ? 'entry' : 'below');
  const [a, b] = [layer(file), layer(target)];
  if (a === 'below' && b !== 'below') return `${file} imports ${target}: rdc's runner, store, output and clients serve the services and never reach up`;
  if (a === 'services' && (b === 'commands' || b === 'entry')) return `${file} (a service) imports ${target}: services never reach up to commands`;
  if (a === 'commands' && /^src\/rdc\/(remote|config|dns)\//.test(target)) return `${file} (a command) imports ${target}: commands stay thin, a service does the work`;
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(`${ROOT}${dir}`, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []))
    .sort();
}

test('the checker refuses what the layering forbids and lets through what it allows', () => {
  const check = (file: string, text: string) => importsOf(file, text).map((i) => violation(file, i)).filter(Boolean);
  assert.equal(check('src/core/a.ts', "import { readFileSync } from 'node:fs';").length, 1);
  assert.equal(check('src/core/a.ts', "const cp = await import('node:child_process');").length, 1);
  assert.equal(check('src/core/a.ts', "import type { Client } from 'ssh2';").length, 1);
  assert.equal(check('src/core/a/b.ts', "export { x } from '../../rdc/services/deps.js';").length, 1);
  assert.equal(check('src/core/a.ts', "type D = import('./../renet/local.js').Docker;").length, 1);
  assert.equal(check('src/renet/repo/a.ts', "import { shellQuote } from '../../rdc/remote/command.js';").length, 1);
  assert.equal(check('src/rdc/services/a.ts', "import { x } from '../../renet/main.js';").length, 1);
  assert.equal(check('src/rdc/commands/x/a.ts', "import { SshRunner } from '../../remote/ssh-runner.js';").length, 1);
  assert.equal(check('src/rdc/services/a.ts', "import { run } from '../commands/run.js';").length, 1);
  assert.equal(check('src/rdc/remote/a.ts', "import type { Deps } from '../services/deps.js';").length, 1);
  assert.deepEqual(check('src/rdc/commands/x/a.ts', "import type { Deps } from '../../services/deps.js';\nimport { x } from '../../output/output.js';"), []);
  assert.equal(check('src/core/a.ts', "import { connect } from 'node:net';").length, 1);
  assert.equal(check('src/core/a.ts', "import net from 'node:net';").length, 1);
  assert.deepEqual(check('src/core/a.ts', "import { isIP, BlockList } from 'node:net';\nimport { join } from 'node:path';\nimport { createHash } from 'node:crypto';\nimport YAML from 'yaml';"), []);
  assert.deepEqual(check('src/renet/a.ts', "import { readFileSync } from 'node:fs';\nimport { x } from '../core/errors.js';"), []);
  assert.deepEqual(check('src/rdc/a.ts', "import { Client } from 'ssh2';\nimport { x } from '../core/errors.js';"), []);
});

test('every file under src/ belongs to rdc, renet or core, and every import points the allowed way', () => {
  const strays = readdirSync(`${ROOT}src`).filter((e) => !(PROGRAMS as readonly string[]).includes(e));
  assert.deepEqual(strays, [], 'src/ holds only rdc/, renet/ and core/');
  const files = sourceFiles('src');
  const problems: string[] = [];
  let imports = 0;
  for (const file of files) {
    for (const imp of importsOf(file, readFileSync(`${ROOT}${file}`, 'utf8'))) {
      imports++;
      const why = violation(file, imp);
      if (why) problems.push(why);
    }
  }
  for (const p of PROGRAMS) assert.ok(files.some((f) => programOf(f) === p), `no files found under src/${p}/`);
  assert.ok(imports > files.length, `only ${imports} imports read in ${files.length} files: the parser missed them`);
  assert.deepEqual(problems, []);
});

test('every listed exception is still needed', () => {
  for (const a of ALLOWED) {
    const names = importsOf(a.file, readFileSync(`${ROOT}${a.file}`, 'utf8')).map((i) => i.specifier);
    assert.ok(names.includes(a.imports), `${a.file} no longer imports ${a.imports}: remove its exception`);
  }
});
