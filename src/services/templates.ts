import { readFile } from 'node:fs/promises';
import { INFRA_TEMPLATE_FILES, type InfraTemplates } from '../render/templates.js';

/** templates/ at the package root (this file is dist/src/services/templates.js once built). */
const TEMPLATES_DIR = new URL('../../../templates/', import.meta.url);

export async function loadInfraTemplates(): Promise<InfraTemplates> {
  const entries = await Promise.all(
    Object.entries(INFRA_TEMPLATE_FILES).map(async ([key, file]) => [key, await readFile(new URL(file, TEMPLATES_DIR), 'utf8')] as const),
  );
  return Object.fromEntries(entries) as unknown as InfraTemplates;
}
