import { parse } from 'yaml';
import type { Machine } from '../../core/config/model.js';
import { RdcError, formatProblems, type Problem } from '../../core/errors.js';
import { SERVER_PATHS } from '../../core/infra/server-layout.js';
import { renderInfraTree } from '../../core/render/infra-tree.js';
import type { RenderedFile } from '../../core/render/rendered-file.js';
import { lintTraefikDynamic } from '../../core/traefik/lint-dynamic.js';
import { lintTraefikStatic, staticContext } from '../../core/traefik/lint-static.js';
import { loadInfraTemplates } from './templates.js';

/** Renders a machine's infra tree and refuses to hand it on if our own Traefik checks fail. */
export async function renderCheckedInfra(machineName: string, machine: Machine): Promise<RenderedFile[]> {
  const files = renderInfraTree(machineName, machine, await loadInfraTemplates());
  const problems = checkInfraTree(files);
  if (problems.length) {
    throw new RdcError(`The rendered Traefik config for ${machineName} failed rdc's checks — this is a bug in rdc:\n${formatProblems(problems)}`);
  }
  return files;
}

/** Lints the static config and every file-provider file of a rendered tree against each other. */
export function checkInfraTree(files: RenderedFile[]): Problem[] {
  const get = (path: string) => files.find((f) => f.path === path);
  const staticFile = get(SERVER_PATHS.traefikStatic);
  if (!staticFile) return [{ where: SERVER_PATHS.traefikStatic, message: 'missing from the rendered tree' }];
  const staticConfig = parse(staticFile.content) as Record<string, unknown>;
  const problems = lintTraefikStatic(staticConfig).map((p) => ({ where: `${staticFile.path}: ${p.where}`, message: p.message }));
  const ctx = staticContext(staticConfig);
  const dynamicDir = SERVER_PATHS.traefikDynamicDefaults.slice(0, SERVER_PATHS.traefikDynamicDefaults.lastIndexOf('/') + 1);
  for (const file of files.filter((f) => f.path.startsWith(dynamicDir))) {
    const dynamic = (parse(file.content) ?? {}) as Record<string, unknown>;
    for (const p of lintTraefikDynamic(dynamic, { provider: 'file', ...ctx }, file.content)) problems.push({ where: `${file.path}: ${p.where}`, message: p.message });
  }
  return problems;
}
