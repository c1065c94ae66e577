import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INFRA_TEMPLATE_FILES, type InfraTemplates } from '../../core/render/templates.js';
import { packageRoot } from '../util/package-root.js';

export async function loadInfraTemplates(): Promise<InfraTemplates> {
  const entries = await Promise.all(
    Object.entries(INFRA_TEMPLATE_FILES).map(async ([key, file]) => [key, await readFile(join(packageRoot(), 'templates', file), 'utf8')] as const),
  );
  return Object.fromEntries(entries) as unknown as InfraTemplates;
}
