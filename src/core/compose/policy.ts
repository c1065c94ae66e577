import { PLAIN_TOP_KEYS } from './allowed.js';
import type { PathScope } from './host-paths.js';
import { checkNestedBinds } from './nested-binds.js';
import { checkService, type Finding } from './service-policy.js';
import { asObj, checkTopLevel } from './volume-policy.js';

export type { Finding };

/**
 * What a repo's compose model may do (README "What a repo's compose file may do"): checked on the
 * model compose will run — on the server the output of `docker compose config` (interpolated,
 * merged, extended, included, paths made absolute) — so no YAML or compose trick can hide a
 * setting. Deny by default: every setting that is not on an allow list is a finding. Pure.
 */
export function checkComposeModel(model: Record<string, unknown>, scope: PathScope): Finding[] {
  const found: Finding[] = [];
  for (const key of Object.keys(model)) {
    // include: compose resolves it (the files it reads are checked before, file-refs.ts).
    if (PLAIN_TOP_KEYS.has(key) || key === 'include' || key.startsWith('x-')) continue;
    found.push({ setting: key, problem: 'is not a setting a repo may use (rdc allows only what cannot reach the host)', fix: 'remove it' });
  }
  const services = asObj(model.services);
  const info = { services: new Set(Object.keys(services)), volumes: new Set(Object.keys(asObj(model.volumes))) };
  for (const [name, raw] of Object.entries(services)) found.push(...checkService(name, asObj(raw), info, scope));
  found.push(...checkTopLevel(model, scope), ...checkNestedBinds(model, scope));
  return found;
}

/** `service web: services.web.privileged: gives the container full root on the host; remove it (or …)`. */
export function formatFinding(f: Finding, unsafe: boolean): string {
  const who = `${f.service ? `service ${clip(f.service)}: ` : ''}${f.setting ? `${clip(f.setting)}: ` : ''}`;
  if (f.notPolicy) return `${who}${f.problem}; ${f.fix}`;
  if (unsafe) return `${who}${f.problem} (allowed by rdc repo up --unsafe)`;
  return `${who}${f.problem}; ${f.fix}, or run rdc repo up --unsafe if this repo is trusted with the host`;
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}
