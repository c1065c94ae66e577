import { isIP } from 'node:net';

/**
 * A checker for Traefik v3 rule syntax (traefik-v3-notes.md §2.1, §2.3): matchers with backtick or
 * double-quoted values, `&&`, `||`, `!` and parentheses; every matcher takes exactly its number of
 * values. Traefik itself only flags a bad rule at runtime (the router is dropped), so rdc checks first.
 */
export type RuleKind = 'http' | 'tcp';

export interface RuleCheck {
  errors: string[];
  /** Every value of a Host/HostSNI matcher, lower-cased (for conflicts and DNS records). */
  hosts: string[];
  /** The parsed rule, when it has no errors. */
  ast?: RuleNode;
}

/** A rule as a tree: what a host-ownership check needs to see past `||`, `!` and parentheses. */
export type RuleNode =
  | { op: 'matcher'; name: string; values: string[] }
  | { op: 'not'; arg: RuleNode }
  | { op: 'and' | 'or'; args: RuleNode[] };

/** Matcher name → allowed value counts. */
const MATCHERS: Record<RuleKind, Record<string, number[]>> = {
  http: {
    Host: [1], HostRegexp: [1], Path: [1], PathPrefix: [1], PathRegexp: [1], Method: [1],
    Header: [2], HeaderRegexp: [2], Query: [1, 2], QueryRegexp: [2], ClientIP: [1],
  },
  tcp: { HostSNI: [1], HostSNIRegexp: [1], ClientIP: [1], ALPN: [1] },
};

type Token = { t: 'name' | 'str' | '(' | ')' | ',' | '&&' | '||' | '!'; v: string; at: number };

export function checkRule(rule: string, kind: RuleKind): RuleCheck {
  const errors: string[] = [];
  const hosts: string[] = [];
  const tokens = tokenize(rule, errors);
  if (errors.length) return { errors, hosts };
  if (tokens.length === 0) return { errors: ['the rule is empty'], hosts };
  let i = 0;
  const peek = () => tokens[i];
  const fail = (msg: string): never => {
    throw new Error(msg);
  };

  const matcher = (): RuleNode => {
    const name = tokens[i++] as Token;
    if (peek()?.t !== '(') fail(`expected '(' after ${name.v} at position ${name.at}`);
    i++;
    const values: string[] = [];
    for (;;) {
      const tok = peek();
      if (tok?.t !== 'str') fail(`expected a value in backticks after ${name.v}( at position ${tok?.at ?? rule.length}`);
      values.push((tok as Token).v);
      i++;
      if (peek()?.t === ',') { i++; continue; }
      if (peek()?.t === ')') { i++; break; }
      fail(`expected ',' or ')' in ${name.v}(…) at position ${peek()?.at ?? rule.length}`);
    }
    const arity = MATCHERS[kind][name.v];
    if (!arity) {
      const other = kind === 'http' ? 'tcp' : 'http';
      const hint = MATCHERS[other][name.v] ? ` (${name.v} is a ${other.toUpperCase()} matcher)` : '';
      fail(`unknown ${kind.toUpperCase()} matcher ${name.v}${hint}; v3 matchers are ${Object.keys(MATCHERS[kind]).join(', ')}`);
    } else if (!arity.includes(values.length)) {
      fail(`${name.v} takes ${arity.join(' or ')} value(s), got ${values.length}; in Traefik v3 write Host(\`a\`) || Host(\`b\`)`);
    }
    checkValue(name.v, values, hosts, fail);
    return { op: 'matcher', name: name.v, values };
  };
  const unary = (): RuleNode => {
    const tok = peek();
    if (tok?.t === '!') { i++; return { op: 'not', arg: unary() }; }
    if (tok?.t === '(') {
      i++;
      const inner = or();
      if (peek()?.t !== ')') fail(`missing ')' at position ${peek()?.at ?? rule.length}`);
      i++;
      return inner;
    }
    if (tok?.t === 'name') return matcher();
    return fail(`expected a matcher at position ${tok?.at ?? rule.length}`);
  };
  const chain = (op: 'and' | 'or', token: '&&' | '||', next: () => RuleNode): RuleNode => {
    const args = [next()];
    while (peek()?.t === token) { i++; args.push(next()); }
    return args.length === 1 ? (args[0] as RuleNode) : { op, args };
  };
  const and = () => chain('and', '&&', unary);
  const or = (): RuleNode => chain('or', '||', and);

  try {
    const ast = or();
    if (i < tokens.length) fail(`unexpected ${(tokens[i] as Token).v} at position ${(tokens[i] as Token).at}`);
    return { errors, hosts, ast };
  } catch (err) {
    errors.push((err as Error).message);
  }
  return { errors, hosts };
}

/**
 * The hosts a rule can match at most: `hosts` (lower-cased Host/HostSNI values) plus `regexps`
 * (HostRegexp/HostSNIRegexp patterns), or `any` when some request of any host can match it (a
 * matcher that names no host, HostSNI(`*`), a negation, or an `||` with such a side). `&&` is
 * bounded by its tightest bounded side; `||` by the union of its sides.
 */
export type HostBound = { any: true } | { any: false; hosts: string[]; regexps: string[] };

export function hostBound(node: RuleNode): HostBound {
  if (node.op === 'not') return { any: true };
  if (node.op === 'matcher') {
    const value = node.values[0] ?? '';
    if ((node.name === 'Host' || node.name === 'HostSNI') && value !== '*') return { any: false, hosts: [value.toLowerCase()], regexps: [] };
    if (node.name === 'HostRegexp' || node.name === 'HostSNIRegexp') return { any: false, hosts: [], regexps: [value] };
    return { any: true };
  }
  const parts = node.args.map(hostBound);
  if (node.op === 'or') {
    if (parts.some((p) => p.any)) return { any: true };
    return { any: false, hosts: parts.flatMap((p) => (p.any ? [] : p.hosts)), regexps: parts.flatMap((p) => (p.any ? [] : p.regexps)) };
  }
  // `and`: any bounded side bounds the whole; plain names bound it better than regexps, fewer better than more.
  const bounded = parts.filter((p): p is Extract<HostBound, { any: false }> => !p.any);
  if (!bounded.length) return { any: true };
  const weight = (b: Extract<HostBound, { any: false }>) => (b.regexps.length ? 1e6 : 0) + b.hosts.length + b.regexps.length;
  return bounded.reduce((a, b) => (weight(a) <= weight(b) ? a : b));
}

function tokenize(rule: string, errors: string[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i] as string;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '`' || c === '"') {
      const end = c === '`' ? rule.indexOf('`', i + 1) : findQuoteEnd(rule, i + 1);
      if (end < 0) { errors.push(`unterminated ${c === '`' ? 'backtick' : 'quoted'} value starting at position ${i}`); return tokens; }
      const raw = rule.slice(i + 1, end);
      tokens.push({ t: 'str', v: c === '"' ? raw.replace(/\\"/g, '"') : raw, at: i });
      i = end + 1;
      continue;
    }
    if (c === "'") { errors.push(`single quotes at position ${i}; Traefik v3 values go in backticks: Host(\`example.com\`)`); return tokens; }
    const two = rule.slice(i, i + 2);
    if (two === '&&' || two === '||') { tokens.push({ t: two, v: two, at: i }); i += 2; continue; }
    if (c === '(' || c === ')' || c === ',' || c === '!') { tokens.push({ t: c, v: c, at: i }); i++; continue; }
    const name = /^[A-Za-z][A-Za-z0-9]*/.exec(rule.slice(i));
    if (name) { tokens.push({ t: 'name', v: name[0], at: i }); i += name[0].length; continue; }
    errors.push(`unexpected character ${JSON.stringify(c)} at position ${i}`);
    return tokens;
  }
  return tokens;
}

function findQuoteEnd(rule: string, from: number): number {
  for (let i = from; i < rule.length; i++) {
    if (rule[i] === '\\') i++;
    else if (rule[i] === '"') return i;
  }
  return -1;
}

function checkValue(matcher: string, values: string[], hosts: string[], fail: (m: string) => never): void {
  const [value = ''] = values;
  if (matcher === 'Host' || matcher === 'HostSNI') {
    const host = value.toLowerCase();
    const label = /^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;
    const ok = host === '*' || (host.length <= 253 && host.split('.').every((l, idx) => (idx === 0 ? label.test(l) : l !== '*' && label.test(l))));
    if (!ok && !isIP(host)) fail(`${matcher}(\`${value}\`) is not a host name (IDN names must be punycode)`);
    if (host !== '*') hosts.push(host);
  } else if (matcher.endsWith('Regexp')) {
    const pattern = values[values.length - 1] ?? '';
    try {
      new RegExp(pattern);
    } catch (err) {
      fail(`${matcher} value is not a valid regular expression: ${(err as Error).message}`);
    }
  } else if (matcher === 'ClientIP') {
    const [ip, bits] = value.split('/');
    const family = isIP(ip ?? '');
    const maxBits = family === 4 ? 32 : 128;
    if (!family || (bits !== undefined && !(/^[0-9]+$/.test(bits) && Number(bits) <= maxBits))) fail(`ClientIP(\`${value}\`) is not an IP address or CIDR range`);
  } else if ((matcher === 'Path' || matcher === 'PathPrefix') && !value.startsWith('/')) {
    fail(`${matcher}(\`${value}\`) must start with '/'`);
  }
}
