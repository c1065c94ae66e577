/**
 * The one place shell quoting lives: rdc's remote commands (remote/command.ts toShell) and the
 * server side's own shell text (renet's wrapper script, a systemd unit's mount line) both quote
 * with it. Pure: no imports, so renet can use it without pulling in workstation code.
 */

/** Quotes one token for a POSIX shell: safe for quotes, `$()`, `;`, newlines, anything. */
export function shellQuote(token: string): string {
  if (token !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(token)) return token;
  return `'${token.replace(/'/g, `'\\''`)}'`;
}
