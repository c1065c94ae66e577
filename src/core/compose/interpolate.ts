/**
 * Compose's variable interpolation, for the local pre-check (pure): `$$`, `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?err}`, `${VAR?err}`,
 * nested in defaults. Unset variables interpolate as compose does (empty, or the default). The
 * server checks the model `docker compose config` produces, which is the authority; this only
 * makes `privileged: ${P:-true}` fail fast on the workstation too.
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) return out + text.slice(i);
      out += substitute(text.slice(i + 2, end), vars);
      i = end + 1;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (m) {
        out += vars[m[0]] ?? '';
        i += 1 + m[0].length;
      } else {
        out += '$';
        i++;
      }
    }
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function substitute(expr: string, vars: Record<string, string>): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?([\s\S]*)$/.exec(expr);
  if (!m) return '';
  const [, name, op, rest] = m as unknown as [string, string, string | undefined, string];
  const value = vars[name];
  const set = value !== undefined && (op?.startsWith(':') ? value !== '' : true);
  switch (op?.replace(':', '')) {
    case '-': return set ? (value as string) : interpolate(rest, vars);
    case '+': return set ? interpolate(rest, vars) : '';
    default: return value ?? '';
  }
}

/** `KEY=value` lines of a `.env` file (comments and blank lines skipped, surrounding quotes removed). */
export function parseDotEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1] as string] = (m[2] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}
