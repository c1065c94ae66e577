/**
 * Values written into systemd unit files (systemd.syntax(7), systemd.service(5) "Command lines").
 * systemd reads `%x` as a specifier in every setting and `$NAME` as a variable in command lines, so
 * a root prefix such as `/srv/100%home` or `/opt/$x` would silently become another path. Pure.
 */

/** Characters that mean nothing to systemd: such a value is written as it is. */
const PLAIN = /^[A-Za-z0-9/._+@,:=-]+$/;

/** One ExecStart= argument, always double-quoted: C escapes inside, `%` → `%%`, `$` → `$$`. */
export function quoteExecArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('a NUL byte cannot be written into a systemd unit');
  if (arg === ';') throw new Error('a lone ";" separates commands in ExecStart=; it cannot be an argument');
  const escaped = arg
    .replace(/[\\"\x01-\x1f\x7f]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

/** An ExecStart= argument, quoted only when it holds a character systemd would read. */
export function execArg(arg: string): string {
  return PLAIN.test(arg) ? arg : quoteExecArg(arg);
}

/**
 * One path of a space-separated path list (ReadWritePaths=…). systemd unquotes these but keeps
 * backslashes as they are, so a quote, a backslash or a control character cannot be written at all:
 * refused here (rdc's path validator never lets one through; this guards other callers).
 */
export function pathListItem(path: string): string {
  if (!path.startsWith('/')) throw new Error(`${JSON.stringify(path)} is not an absolute path`);
  if (/["\\\x00-\x1f\x7f]/.test(path)) throw new Error(`${JSON.stringify(path)} holds a quote, backslash or control character, which a systemd path list cannot hold`);
  const escaped = path.replace(/%/g, '%%');
  return PLAIN.test(path) ? escaped : `"${escaped}"`;
}
