import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isPair, isScalar, parseDocument, visit, type YAMLMap } from 'yaml';
import type { Problem } from '../errors.js';
import { show } from './validators.js';

/** rdc writes no aliases; a file with more expansions than this is refused (a "billion laughs" file). */
const MAX_ALIASES = 100;
export const CONFIG_HEADER = ' rdc configuration — written by rdc; hand edits are checked on every read.';

export interface ConfigText {
  /** The YAML document, kept to write changes back into it (comments and unknown keys survive). */
  doc: Document;
  /** Its plain data; meaningful only when `problems` is empty. */
  data: unknown;
  problems: Problem[];
}

/**
 * Parses the config file's text. Linear in its size: duplicate keys are found with one Set per
 * mapping (the yaml library's own `uniqueKeys` check compares every key with every other one, which
 * took seconds at 10,000 repos). No message quotes the file's content: RDC_CONFIG may point at a
 * file that is no config at all (a private key, a token file).
 */
export function parseConfigText(text: string): ConfigText {
  const doc = parseDocument(text, { uniqueKeys: false });
  // Only the first line of a message: the following ones quote the file.
  const problems: Problem[] = doc.errors.map((e) => ({ where: lineOf(e.linePos?.[0]), message: parseMessage(e.message) }));
  if (problems.length) return { doc, data: undefined, problems };
  problems.push(...duplicateKeys(doc, text));
  if (problems.length) return { doc, data: undefined, problems };
  try {
    return { doc, data: doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {}, problems };
  } catch (err) {
    const bomb = /alias count/i.test((err as Error).message);
    problems.push({
      where: '(file)',
      message: bomb
        ? `its aliases (*name) expand to too much data (more than ${MAX_ALIASES} expansions); rdc writes no aliases: write the values out`
        : /call stack size/i.test((err as Error).message) ? parseMessage((err as Error).message) : `${cut((err as Error).message)}; rdc writes no aliases: write the values out`,
    });
    return { doc, data: undefined, problems };
  }
}

/** A parser message, its first line only (the following ones quote the file); the parser's stack overflow said plainly. */
function parseMessage(message: string): string {
  if (/call stack size/i.test(message)) return 'values are nested too deeply to read (an rdc config is a few levels deep); remove the nesting';
  return cut((message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''));
}

/** Every mapping key that appears twice in its mapping, with the line of the second one. */
function duplicateKeys(doc: Document, text: string): Problem[] {
  const problems: Problem[] = [];
  const lines = lineStarts(text);
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!seen.has(key)) seen.add(key);
        else problems.push({ where: lineOf(position(lines, isScalar(pair.key) ? pair.key.range?.[0] : undefined)), message: `the key ${show(key)} appears twice in the same mapping; keep one` });
      }
    },
  });
  return problems;
}

/**
 * Writes a change into the document in place: only the values that differ between `before` and
 * `after` (both the serialized model) are replaced, added or removed. Everything else — comments,
 * key order, quoting, keys this version of rdc does not know — stays as the user wrote it.
 */
export function applyChange(doc: Document, before: Record<string, unknown>, after: Record<string, unknown>): Document {
  let target = doc;
  // An alias shares its node with its anchor: changing one would change both, so such a file is
  // first turned into plain data (its unknown keys stay; its comments do not).
  if (hasAliases(doc)) target = new Document(doc.toJS({ maxAliasCount: MAX_ALIASES }));
  if (!isMap(target.contents)) {
    target.contents = target.createNode(after) as YAMLMap;
    target.commentBefore ??= CONFIG_HEADER;
    return target;
  }
  syncMap(target, target.contents, before, after);
  return target;
}

function syncMap(doc: Document, map: YAMLMap, before: Record<string, unknown> | undefined, after: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(after)) {
    const old = before && Object.hasOwn(before, key) ? before[key] : undefined;
    if (old !== undefined && isDeepStrictEqual(old, value)) continue;
    const pair = pairOf(map, key);
    if (pair && isMap(pair.value) && isPlainObject(old) && isPlainObject(value)) {
      syncMap(doc, pair.value, old, value);
      continue;
    }
    const node = doc.createNode(value);
    if (pair) pair.value = node;
    else map.items.push(doc.createPair(key, value));
  }
  for (const key of Object.keys(before ?? {})) {
    if (Object.hasOwn(after, key)) continue;
    const pair = pairOf(map, key);
    if (pair) map.items.splice(map.items.indexOf(pair), 1);
  }
}

/** The pair of `key`, whatever YAML type its key was written as (`123:` is a number key). */
function pairOf(map: YAMLMap, key: string) {
  return map.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
}

function hasAliases(doc: Document): boolean {
  let found = false;
  visit(doc, { Alias() { found = true; return visit.BREAK; } });
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cut(message: string): string {
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

function lineOf(pos: { line: number; col: number } | undefined): string {
  return pos ? `line ${pos.line}, column ${pos.col}` : '(file)';
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number | undefined): { line: number; col: number } | undefined {
  if (offset === undefined) return undefined;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - (starts[lo] as number) + 1 };
}
