/**
 * Fills `@@name@@` placeholders. Not `{{…}}` (Traefik's file provider runs Go templates over its
 * files) nor `${…}` (compose interpolates those). A placeholder without a value is a bug and throws.
 */
export function fillTemplate(name: string, text: string, vars: Record<string, string>): string {
  const used = new Set<string>();
  const out = text.replace(/@@([a-zA-Z0-9_]+)@@/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`template ${name}: no value for @@${key}@@`);
    used.add(key);
    return value;
  });
  const unused = Object.keys(vars).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`template ${name}: values never used: ${unused.join(', ')}`);
  return out;
}
